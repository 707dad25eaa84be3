-- 0009: the program that sealed each batch (`ewarong --version`, e.g. 0.1.0+3f2a9c1b7d0e), so an
-- audit can say which build wrote what. NULL for batches sealed before 0009. Like `batch.reason`,
-- no signature covers it.
ALTER TABLE batch ADD COLUMN program TEXT;
