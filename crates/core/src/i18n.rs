//! The one translation table: every user-visible string, Bahasa Indonesia first, English beside it.

use crate::key;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

/// The language of user-facing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    En,
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" | "in" | "ind" | "indonesia" => Ok(Lang::Id),
            "en" | "eng" | "english" => Ok(Lang::En),
            other => Err(trf(Lang::Id, key!("lang.unknown"), &[("input", &other)])),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::Id => "id",
            Lang::En => "en",
        })
    }
}

/// `Display` for error types that speak through [`Localize`]: their English text, for logs and
/// error chains. One line per type (`english_display!(MoneyError, IdError);`) instead of an
/// `#[error(...)]` on every variant; thiserror still derives `Error` and its sources.
#[macro_export]
macro_rules! english_display {
    ($($t:ty),+ $(,)?) => {$(
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&$crate::i18n::Localize::localize(self, $crate::i18n::Lang::En))
            }
        }
    )+};
}

/// Something that can explain itself to a user in either language.
pub trait Localize {
    fn localize(&self, lang: Lang) -> String;
}

/// A translation key that is known to be in [`TABLE`]. Written as `key!("ui.sale.title")`,
/// which checks the key at compile time: a key missing from the table does not build.
/// Keys put together at run time (`kind.{kind}`) go through [`TextKey::runtime`] instead, and
/// each such family has a test that walks all its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TextKey(&'static str);

impl TextKey {
    /// For `key!` only: the macro has already checked the key against the table.
    #[doc(hidden)]
    pub const fn checked(key: &'static str) -> Self {
        Self(key)
    }

    /// A key put together at run time, if the table has it.
    pub fn runtime(key: &str) -> Option<Self> {
        TABLE_INDEX.get_key_value(key).map(|(k, _)| Self(k))
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// A key serializes as its name (`"check.tree"`), for JSON reports.
impl serde::Serialize for TextKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl fmt::Display for TextKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Whether `key` is in [`TABLE`]. A `const fn`, so that `key!` can ask at compile time.
pub const fn has_key(key: &str) -> bool {
    let mut i = 0;
    while i < TABLE.len() {
        if same(TABLE[i].0, key) {
            return true;
        }
        i = i.saturating_add(1);
    }
    false
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i = i.saturating_add(1);
    }
    true
}

/// A [`TextKey`], checked against the translation table when the code is compiled.
#[macro_export]
macro_rules! key {
    ($key:literal) => {{
        const _: () = assert!(
            $crate::i18n::has_key($key),
            concat!(
                "no translation for \"",
                $key,
                "\" in ewarong_core::i18n::TABLE"
            )
        );
        $crate::i18n::TextKey::checked($key)
    }};
}

/// How many characters of a value a message repeats back.
pub const ECHO_CHARS: usize = 40;

/// A value as a message repeats it: whole when short, otherwise its first [`ECHO_CHARS`]
/// characters and how many more there were, so a pasted 128 KiB value still makes a one-line
/// error a person can read.
pub fn echo(value: &str) -> String {
    let count = value.chars().count();
    if count <= ECHO_CHARS {
        return value.to_owned();
    }
    let head: String = value.chars().take(ECHO_CHARS).collect();
    format!("{head}… (+{})", count.saturating_sub(ECHO_CHARS))
}

/// The text of a key in a language.
pub fn tr(lang: Lang, key: TextKey) -> &'static str {
    match TABLE_INDEX.get(key.0) {
        Some((id, en)) => match lang {
            Lang::Id => id,
            Lang::En => en,
        },
        // Unreachable for a TextKey (it is checked), kept so a lookup never panics.
        None => key.0,
    }
}

/// The text of a key put together at run time (`kind.{kind}`). A missing key returns the key
/// itself and logs it; every family of such keys has a test that walks all its members.
pub fn tr_runtime(lang: Lang, key: &str) -> &str {
    match TextKey::runtime(key) {
        Some(k) => tr(lang, k),
        None => {
            tracing::warn!(key, "missing translation");
            key
        }
    }
}

/// Looks up a key and fills `{name}` placeholders.
pub fn trf(lang: Lang, key: TextKey, args: &[(&str, &dyn fmt::Display)]) -> String {
    let mut s = tr(lang, key).to_owned();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), &value.to_string());
    }
    s
}

static TABLE_INDEX: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| TABLE.iter().map(|(k, id, en)| (*k, (*id, *en))).collect());

/// (key, Bahasa Indonesia, English)
pub static TABLE: &[(&str, &str, &str)] = &[
    (
        "lang.unknown",
        "bahasa tidak dikenal / unknown language: {input} (id, en)",
        "unknown language / bahasa tidak dikenal: {input} (id, en)",
    ),
    // money
    (
        "money.negative",
        "jumlah uang tidak boleh negatif",
        "an amount of money cannot be negative",
    ),
    (
        "money.overflow",
        "jumlah uang terlalu besar",
        "the amount of money is too large",
    ),
    (
        "money.not_a_number",
        "'{input}' bukan jumlah rupiah (contoh: 200000, 200.000 atau Rp 200.000)",
        "'{input}' is not an amount of rupiah (e.g. 200000, 200.000 or Rp 200.000)",
    ),
    // quantities
    (
        "qty.not_a_number",
        "jumlah '{input}' bukan angka (contoh: 2 atau 1,5)",
        "quantity '{input}' is not a number (e.g. 2 or 1.5)",
    ),
    (
        "qty.not_positive",
        "jumlah '{input}' harus lebih dari nol",
        "quantity '{input}' must be more than zero",
    ),
    (
        "qty.decimals",
        "jumlah '{input}' punya lebih dari 3 angka desimal (ketelitian gram)",
        "quantity '{input}' has more than 3 decimals (gram precision)",
    ),
    (
        "qty.not_whole",
        "jumlah '{input}' harus bilangan bulat untuk satuan {unit}",
        "quantity '{input}' must be a whole number for unit {unit}",
    ),
    (
        "qty.too_large",
        "jumlah '{input}' tidak wajar: paling banyak {max} {unit} per baris",
        "quantity '{input}' is absurd: at most {max} {unit} per line",
    ),
    (
        "qty.unknown_unit",
        "satuan '{input}' tidak dikenal (butir, ikat, buah, papan, kg, liter)",
        "unknown unit '{input}' (butir, ikat, buah, papan, kg, liter)",
    ),
    // identifiers
    ("id.card", "nomor kartu KKS", "KKS card number"),
    ("id.nik", "NIK", "NIK"),
    ("id.kk", "No. KK", "family card number (No. KK)"),
    (
        "id.not_16",
        "{what} harus 16 angka, '{input}' berisi {len} karakter",
        "{what} must be 16 digits, '{input}' has {len} characters",
    ),
    (
        "id.luhn",
        "nomor kartu KKS {input} salah: gagal cek Luhn (ada angka yang keliru); periksa lagi nomor di kartu",
        "KKS card number {input} is wrong: it fails the Luhn check (a digit is mistyped); check the number on the card",
    ),
    (
        "id.nik_province",
        "NIK salah: kode provinsi {code} tidak dikenal (2 angka pertama)",
        "NIK is wrong: province code {code} does not exist (first 2 digits)",
    ),
    (
        "id.nik_regency",
        "NIK salah: kode kabupaten/kota {code} tidak valid (angka 3-4)",
        "NIK is wrong: regency code {code} is not valid (digits 3-4)",
    ),
    (
        "id.nik_birth",
        "NIK salah: tanggal lahir {ddmmyy} tidak valid (angka 7-12, DDMMYY, perempuan tanggal + 40)",
        "NIK is wrong: birth date {ddmmyy} is not valid (digits 7-12, DDMMYY, women day + 40)",
    ),
    (
        "id.nik_serial",
        "NIK salah: nomor urut 0000 tidak valid (4 angka terakhir)",
        "NIK is wrong: serial 0000 is not valid (last 4 digits)",
    ),
    // policy
    (
        "policy.syntax",
        "berkas kebijakan tidak bisa dibaca: {detail}",
        "the policy file cannot be read: {detail}",
    ),
    (
        "policy.invalid",
        "kebijakan: kolom '{field}' {rule}",
        "policy: field '{field}' {rule}",
    ),
    (
        "policy.duplicate",
        "kebijakan: id '{id}' dipakai dua kali",
        "policy: id '{id}' is used twice",
    ),
    (
        "rule.slug",
        "harus berupa huruf kecil, angka dan tanda '-' (contoh: beras-medium)",
        "must be lower-case letters, digits and '-' (e.g. beras-medium)",
    ),
    ("rule.not_empty", "tidak boleh kosong", "must not be empty"),
    (
        "rule.at_most_amount",
        "tidak boleh lebih dari amount_per_period_rupiah",
        "must not be more than amount_per_period_rupiah",
    ),
    (
        "rule.amount_max",
        "paling banyak Rp 1.000.000.000.000 per periode",
        "at most Rp 1,000,000,000,000 per period",
    ),
    (
        "rule.positive",
        "harus lebih dari nol",
        "must be more than zero",
    ),
    (
        "period.invalid",
        "periode '{input}' tidak valid (format YYYY-MM, contoh 2026-11)",
        "period '{input}' is not valid (format YYYY-MM, e.g. 2026-11)",
    ),
    // catalogue
    (
        "cat.barcode",
        "barcode '{a}' bukan EAN-13 yang valid (13 angka dengan digit cek benar)",
        "barcode '{a}' is not a valid EAN-13 (13 digits with a correct check digit)",
    ),
    (
        "cat.id",
        "id produk '{a}' harus huruf kecil, angka dan '-' (contoh: beras-medium)",
        "product id '{a}' must be lower-case letters, digits and '-' (e.g. beras-medium)",
    ),
    (
        "cat.empty_name",
        "produk '{a}': nama tidak boleh kosong",
        "product '{a}': the name must not be empty",
    ),
    (
        "cat.unknown_group",
        "produk '{a}': kelompok pangan '{b}' tidak ada dalam kebijakan",
        "product '{a}': food group '{b}' is not in the policy",
    ),
    (
        "cat.unknown_forbidden",
        "produk '{a}': kategori terlarang '{b}' tidak ada dalam kebijakan",
        "product '{a}': forbidden category '{b}' is not in the policy",
    ),
    (
        "cat.one_class",
        "produk '{a}': isi tepat satu dari kolom group atau forbidden",
        "product '{a}': fill exactly one of the columns group or forbidden",
    ),
    (
        "cat.zero_price",
        "produk '{a}': harga acuan harus lebih dari nol",
        "product '{a}': the reference price must be more than zero",
    ),
    (
        "cat.duplicate",
        "id atau barcode '{a}' dipakai dua kali",
        "id or barcode '{a}' is used twice",
    ),
    // PIN
    (
        "pin.format",
        "PIN harus 4 sampai 12 angka",
        "a PIN must be 4 to 12 digits",
    ),
    (
        "pin.verifier",
        "pin_verifier harus string argon2id (format PHC, $argon2id$...)",
        "pin_verifier must be an argon2id PHC string ($argon2id$...)",
    ),
    (
        "pin.hashing",
        "PIN tidak bisa diproses (galat argon2)",
        "the PIN could not be processed (argon2 error)",
    ),
    // basket
    (
        "basket.empty",
        "keranjang kosong: tambahkan minimal satu barang",
        "the basket is empty: add at least one item",
    ),
    (
        "basket.unknown",
        "produk '{input}' tidak ada di katalog; periksa id atau barcode",
        "product '{input}' is not in the catalogue; check the id or barcode",
    ),
    (
        "basket.forbidden",
        "{product} ditolak: {reason}",
        "{product} refused: {reason}",
    ),
    (
        "basket.quantity",
        "{product}: {detail}",
        "{product}: {detail}",
    ),
    (
        "basket.price",
        "{product}: harga {price} di atas harga acuan {reference} (batas {max}); perlu alasan (--override-reason)",
        "{product}: price {price} is above the reference price {reference} (limit {max}); needs a reason (--override-reason)",
    ),
    (
        "basket.over_visitor_cap",
        "total {total} melebihi batas KPM tamu: sisa {left} dari {cap} per bulan di e-warong ini; saldo KPM ada di e-warong {home}",
        "total {total} is over the visitor cap: {left} left of {cap} per month at this e-warong; the KPM's balance is at e-warong {home}",
    ),
    (
        "basket.zero_line",
        "{product}: harga {price} memberi total baris Rp 0; harga dan total baris harus lebih dari Rp 0",
        "{product}: price {price} makes a line total of Rp 0; the price and the line total must be above Rp 0",
    ),
    (
        "basket.over_balance",
        "total {total} melebihi saldo {balance}: kurang {shortfall}; kurangi belanjaan",
        "total {total} is over the balance {balance}: short by {shortfall}; take items out",
    ),
    (
        "basket.outside_groups",
        "Barang di luar empat kelompok pangan Program Sembako",
        "Goods outside the four Program Sembako food groups",
    ),
    // ledger
    (
        "ledger.disk_full",
        "penyimpanan penuh: transaksi TIDAK disimpan; kosongkan ruang disk lalu ulangi",
        "storage is full: the transaction was NOT saved; free disk space and try again",
    ),
    (
        "ledger.read_only",
        "ledger hanya-baca (read-only): transaksi TIDAK disimpan; periksa izin folder data atau media",
        "the ledger is read-only: the transaction was NOT saved; check the data folder's permissions or medium",
    ),
    (
        "ledger.busy",
        "ledger sedang dipakai program lain; tunggu sebentar lalu ulangi",
        "the ledger is in use by another program; wait a moment and try again",
    ),
    (
        "ledger.corrupt",
        "berkas ledger rusak atau bukan ledger ewarong: {detail}",
        "the ledger file is damaged or not an ewarong ledger: {detail}",
    ),
    (
        "ledger.storage_read",
        "ledger tidak bisa dibaca: {detail}; tidak ada yang diubah",
        "the ledger could not be read: {detail}; nothing was changed",
    ),
    (
        "ledger.storage",
        "galat penyimpanan: {detail}; transaksi TIDAK disimpan",
        "storage error: {detail}; the transaction was NOT saved",
    ),
    (
        "ledger.newer",
        "ledger ini dibuat oleh versi ewarong yang lebih baru (skema {found}, versi ini mendukung sampai {supported}); perbarui aplikasi",
        "this ledger was made by a newer ewarong (schema {found}, this version supports up to {supported}); update the application",
    ),
    (
        "ledger.not_initialized",
        "belum ada ledger di {path}; jalankan dulu: ewarong init --terminal-id ID",
        "no ledger at {path}; run first: ewarong init --terminal-id ID",
    ),
    (
        "ledger.already",
        "ledger sudah ada di {path}; init tidak menimpa data",
        "a ledger already exists at {path}; init never overwrites data",
    ),
    (
        "ledger.target_exists",
        "{path} sudah ada; salinan tidak pernah menimpa berkas, pilih nama lain",
        "{path} already exists; a copy never overwrites a file, choose another name",
    ),
    (
        "help.audit_copy",
        "salinan ledger untuk pemeriksa: semua entri bertanda tangan, tanpa verifier PIN KPM dan operator",
        "a copy of the ledger for a supervisor: every signed entry, without the KPM and operator PIN verifiers",
    ),
    (
        "help.out_file",
        "berkas yang ditulis (tidak boleh sudah ada)",
        "the file to write (must not exist yet)",
    ),
    (
        "cli.audit_copy_done",
        "Salinan audit {path}: {entries} entri, {removed} verifier PIN dihapus. Periksa dengan: ewarong audit --ledger {path} --trust BERKAS",
        "Audit copy {path}: {entries} entries, {removed} PIN verifiers removed. Check it with: ewarong audit --ledger {path} --trust FILE",
    ),
    (
        "ledger.terminal_id",
        "--terminal-id '{input}' tidak valid: huruf kecil, angka dan '-', 1-64 karakter",
        "--terminal-id '{input}' is not valid: lower-case letters, digits and '-', 1-64 characters",
    ),
    (
        "ledger.unknown_card",
        "kartu {card} tidak terdaftar di roster KPM terminal ini",
        "card {card} is not in this terminal's KPM roster",
    ),
    (
        "ledger.no_policy",
        "belum ada kebijakan program; impor dulu: ewarong import policy FILE",
        "no programme policy yet; import one: ewarong import policy FILE",
    ),
    (
        "ledger.pin_locked",
        "kartu {card} terkunci hari ini setelah {max} kali PIN salah; coba lagi besok",
        "card {card} is locked for today after {max} wrong PINs; try again tomorrow",
    ),
    (
        "ledger.pin_wrong",
        "PIN KPM salah; sisa {remaining} kali percobaan hari ini",
        "wrong KPM PIN; {remaining} tries left today",
    ),
    (
        "ledger.pin_locked_now",
        "PIN KPM salah {max} kali: kartu {card} dikunci di terminal ini sampai besok",
        "wrong KPM PIN {max} times: card {card} is locked on this terminal until tomorrow",
    ),
    (
        "ledger.rejected",
        "transaksi ditolak: {detail}",
        "sale refused: {detail}",
    ),
    (
        "ledger.operator_unknown",
        "operator '{name}' tidak dikenal",
        "operator '{name}' is unknown",
    ),
    (
        "ledger.operator_pin",
        "PIN operator '{name}' salah",
        "wrong PIN for operator '{name}'",
    ),
    (
        "ledger.not_supervisor",
        "--supervisor-pin: PIN tidak cocok dengan supervisor mana pun; pembatalan perlu PIN supervisor",
        "--supervisor-pin: the PIN matches no supervisor; a void needs a supervisor's PIN",
    ),
    (
        "ledger.sale_not_found",
        "--seq {seq}: tidak ada transaksi penjualan dengan nomor itu",
        "--seq {seq}: there is no sale with that number",
    ),
    (
        "ledger.already_voided",
        "--seq {seq}: transaksi ini sudah dibatalkan oleh entri {by}",
        "--seq {seq}: this sale was already voided by entry {by}",
    ),
    (
        "ledger.empty_field",
        "{field} tidak boleh kosong",
        "{field} must not be empty",
    ),
    (
        "ledger.too_long",
        "{field} terlalu panjang: paling banyak {max} karakter",
        "{field} is too long: at most {max} characters",
    ),
    (
        "ledger.complaint_category",
        "--category '{input}' tidak dikenal; pilih: harga, kualitas, jumlah, pemaketan, lainnya",
        "--category '{input}' is unknown; choose: harga, kualitas, jumlah, pemaketan, lainnya",
    ),
    (
        "ledger.complaint_sale",
        "--seq {seq}: transaksi itu bukan milik kartu {card}",
        "--seq {seq}: that sale does not belong to card {card}",
    ),
    (
        "ledger.nothing_to_close",
        "hari {day} sudah ditutup dan belum ada transaksi baru",
        "day {day} is already closed and there are no new entries",
    ),
    (
        "ledger.operator_exists",
        "operator '{name}' sudah ada",
        "operator '{name}' already exists",
    ),
    (
        "ledger.catalogue_policy",
        "katalog tidak cocok dengan kebijakan: {detail}",
        "the catalogue does not match the policy: {detail}",
    ),
    (
        "ledger.money",
        "perhitungan uang gagal: {detail}",
        "money arithmetic failed: {detail}",
    ),
    // terminal key
    (
        "key.exists",
        "kunci terminal sudah ada di {path}; kunci lama tidak pernah ditimpa",
        "a terminal key already exists at {path}; an existing key is never overwritten",
    ),
    (
        "key.missing",
        "kunci terminal tidak ada di {path}; kembalikan berkas kunci dari cadangan, atau untuk ledger lama tanpa kunci jalankan: ewarong key init",
        "no terminal key at {path}; restore the key file from a backup, or for an older ledger without a key run: ewarong key init",
    ),
    (
        "key.permissions",
        "kunci terminal {path} bisa dibaca pengguna lain (mode {mode}); jalankan: chmod 600 {path}",
        "the terminal key {path} is readable by other users (mode {mode}); run: chmod 600 {path}",
    ),
    (
        "key.format",
        "berkas kunci terminal {path} rusak atau bukan kunci ewarong",
        "the terminal key file {path} is damaged or not an ewarong key",
    ),
    (
        "key.io",
        "kunci terminal {path}: {detail}",
        "terminal key {path}: {detail}",
    ),
    (
        "key.random",
        "sumber acak sistem operasi tidak tersedia; kunci tidak dibuat",
        "the operating system's randomness is unavailable; no key was made",
    ),
    (
        "key.none",
        "ledger ini belum punya kunci terminal; jalankan: ewarong key init",
        "this ledger has no terminal key yet; run: ewarong key init",
    ),
    (
        "key.mismatch",
        "kunci di {path} bukan kunci yang tercatat di ledger ini",
        "the key in {path} is not the key recorded in this ledger",
    ),
    ("key.public", "Kunci publik", "Public key"),
    ("key.fingerprint", "Sidik jari", "Fingerprint"),
    (
        "cli.key_fingerprint",
        "Kunci terminal dibuat; sidik jari: {fingerprint}",
        "Terminal key created; fingerprint: {fingerprint}",
    ),
    (
        "help.key",
        "kunci tanda tangan terminal (Ed25519)",
        "the terminal's signing key (Ed25519)",
    ),
    (
        "help.key_show",
        "tampilkan kunci publik dan sidik jarinya",
        "show the public key and its fingerprint",
    ),
    (
        "help.key_init",
        "buat kunci untuk ledger lama yang belum punya",
        "create a key for an older ledger that has none",
    ),
    // import
    (
        "import.line",
        "{file} baris {line}: {detail}; tidak ada yang diimpor",
        "{file} line {line}: {detail}; nothing was imported",
    ),
    (
        "import.read",
        "{file} tidak bisa dibaca: {detail}",
        "{file} cannot be read: {detail}",
    ),
    (
        "import.format",
        "{file}: format tidak dikenal; gunakan .csv atau .json (kebijakan: .toml atau .json)",
        "{file}: unknown format; use .csv or .json (policy: .toml or .json)",
    ),
    (
        "import.column",
        "kolom '{column}' {detail}",
        "column '{column}' {detail}",
    ),
    ("import.missing", "wajib diisi", "is required"),
    (
        "import.home",
        "kolom home '{input}' bukan id terminal (huruf kecil, angka dan '-')",
        "column home '{input}' is not a terminal id (lower-case letters, digits and '-')",
    ),
    (
        "import.pin_both",
        "isi tepat satu dari kolom pin atau pin_verifier",
        "fill exactly one of the columns pin or pin_verifier",
    ),
    (
        "import.entitlement",
        "kolom entitlements '{input}' tidak valid (format: 2026-11=200000;2026-12=200000)",
        "column entitlements '{input}' is not valid (format: 2026-11=200000;2026-12=200000)",
    ),
    (
        "import.duplicate_card",
        "kartu {card} muncul dua kali (juga di baris {first})",
        "card {card} appears twice (also on line {first})",
    ),
    (
        "import.empty",
        "berkas tidak berisi satu baris data pun",
        "the file has no data rows",
    ),
    (
        "import.done",
        "{kind}: {rows} baris diimpor (versi {version})",
        "{kind}: {rows} rows imported (version {version})",
    ),
    // CLI
    ("cli.field", "{field}: {detail}", "{field}: {detail}"),
    (
        "cli.item_syntax",
        "--item '{input}' harus berbentuk PRODUK=JUMLAH atau PRODUK=JUMLAH@HARGA (contoh: beras-medium=5)",
        "--item '{input}' must look like PRODUCT=QTY or PRODUCT=QTY@PRICE (e.g. beras-medium=5)",
    ),
    (
        "cli.operator_missing",
        "--operator dan --operator-pin wajib (atau EWARONG_OPERATOR dan EWARONG_OPERATOR_PIN)",
        "--operator and --operator-pin are required (or EWARONG_OPERATOR and EWARONG_OPERATOR_PIN)",
    ),
    (
        "cli.date",
        "--date '{input}' tidak valid (format YYYY-MM-DD)",
        "--date '{input}' is not valid (format YYYY-MM-DD)",
    ),
    (
        "cli.data_dir",
        "folder data tidak bisa ditentukan; gunakan --data-dir",
        "the data folder cannot be determined; use --data-dir",
    ),
    ("cli.io", "{path}: {detail}", "{path}: {detail}"),
    (
        "cli.timezone",
        "--timezone '{input}' tidak dikenal; pilih WIB, WITA atau WIT",
        "--timezone '{input}' is unknown; choose WIB, WITA or WIT",
    ),
    (
        "cli.init_done",
        "Terminal {terminal} siap. Ledger: {path}",
        "Terminal {terminal} is ready. Ledger: {path}",
    ),
    (
        "cli.demo_loaded",
        "Program demo dimuat: {products} produk, {kpm} KPM, operator kasir dan supervisor",
        "Demo programme loaded: {products} products, {kpm} KPM, operators kasir and supervisor",
    ),
    (
        "cli.void_done",
        "Transaksi {sale} dibatalkan oleh entri {seq}; saldo {card} kembali {amount}",
        "Sale {sale} voided by entry {seq}; {amount} returned to card {card}",
    ),
    (
        "cli.complaint_done",
        "Pengaduan tercatat sebagai entri {seq}",
        "Complaint recorded as entry {seq}",
    ),
    (
        "cli.check_ok",
        "Rantai hash utuh: {count} entri, seq 1-{last}",
        "Hash chain intact: {count} entries, seq 1-{last}",
    ),
    (
        "cli.check_empty",
        "Ledger belum berisi entri",
        "The ledger has no entries yet",
    ),
    (
        "cli.check_broken",
        "Rantai hash RUSAK mulai seq {seq}: {detail}",
        "Hash chain BROKEN from seq {seq}: {detail}",
    ),
    ("cli.nothing", "tidak ada data", "no data"),
    (
        "cli.demo_intro",
        "ewarong — terminal transaksi Program Sembako (mode demo, antarmuka grafis menyusul)",
        "ewarong — Program Sembako transaction terminal (demo mode, the graphical interface comes later)",
    ),
    ("cli.demo_try", "Coba:", "Try:"),
    (
        "cli.demo_status",
        "Terminal {terminal}: {kpm} KPM, {products} produk, {entries} entri di ledger (kebijakan v{policy}, katalog v{catalogue}, roster v{roster})",
        "Terminal {terminal}: {kpm} KPM, {products} products, {entries} ledger entries (policy v{policy}, catalogue v{catalogue}, roster v{roster})",
    ),
    // CLI help and usage
    (
        "help.about",
        "ewarong: terminal transaksi offline untuk e-warong Program Sembako. Tanpa perintah: mode demo",
        "ewarong: offline transaction terminal for Program Sembako e-warong shops. No command: demo mode",
    ),
    (
        "help.data_dir",
        "folder data berisi ledger (bawaan: folder data XDG)",
        "data directory holding the ledger (default: the XDG data directory)",
    ),
    (
        "help.lang",
        "bahasa pesan: id atau en",
        "message language: id or en",
    ),
    (
        "help.json",
        "keluaran JSON untuk skrip (lihat docs/cli.md)",
        "JSON output for scripts (see docs/cli.md)",
    ),
    (
        "help.init",
        "buat ledger baru untuk terminal ini",
        "create a new ledger for this terminal",
    ),
    (
        "help.terminal_id",
        "id terminal: huruf kecil, angka, '-'",
        "terminal id: lower-case letters, digits, '-'",
    ),
    (
        "help.demo",
        "muat program demo (kebijakan, katalog, 240 KPM, operator)",
        "load the demo programme (policy, catalogue, 240 KPM, operators)",
    ),
    (
        "help.timezone",
        "zona waktu terminal: WIB, WITA atau WIT",
        "the terminal's time zone: WIB, WITA or WIT",
    ),
    ("help.roster", "roster KPM", "the KPM roster"),
    ("help.catalogue", "katalog produk", "the product catalogue"),
    ("help.list", "tampilkan daftar", "show the list"),
    (
        "help.sale",
        "catat penjualan untuk KPM",
        "record a sale for a KPM",
    ),
    (
        "help.card",
        "nomor kartu KKS (16 angka)",
        "KKS card number (16 digits)",
    ),
    ("help.kpm_pin", "PIN KPM", "the KPM's PIN"),
    (
        "help.item",
        "barang: PRODUK=JUMLAH atau PRODUK=JUMLAH@HARGA; ulangi untuk tiap barang",
        "item: PRODUCT=QTY or PRODUCT=QTY@PRICE; repeat per item",
    ),
    (
        "help.operator_login",
        "nama operator (atau EWARONG_OPERATOR)",
        "operator name (or EWARONG_OPERATOR)",
    ),
    (
        "help.operator_pin",
        "PIN operator (atau EWARONG_OPERATOR_PIN)",
        "operator PIN (or EWARONG_OPERATOR_PIN)",
    ),
    (
        "help.override_reason",
        "alasan bila harga di atas harga acuan",
        "reason when a price is above the reference price",
    ),
    (
        "help.balance",
        "tampilkan saldo KPM",
        "show a KPM's balance",
    ),
    (
        "help.void",
        "batalkan penjualan (perlu PIN supervisor)",
        "void a sale (needs a supervisor PIN)",
    ),
    (
        "help.void_seq",
        "nomor transaksi yang dibatalkan",
        "number of the sale to void",
    ),
    ("help.reason", "alasan", "reason"),
    (
        "help.supervisor_pin",
        "PIN supervisor (atau EWARONG_SUPERVISOR_PIN)",
        "supervisor PIN (or EWARONG_SUPERVISOR_PIN)",
    ),
    (
        "help.history",
        "riwayat entri, terbaru dulu",
        "entry history, newest first",
    ),
    (
        "help.date",
        "tanggal YYYY-MM-DD (waktu terminal)",
        "date YYYY-MM-DD (terminal time)",
    ),
    (
        "help.x_report",
        "laporan X: total berjalan sejak tutup hari terakhir",
        "X report: running totals since the last day close",
    ),
    (
        "help.close_day",
        "tutup hari: laporan Z dicatat di ledger",
        "close the day: the Z report is recorded in the ledger",
    ),
    (
        "help.complaint",
        "catat pengaduan KPM",
        "record a KPM complaint",
    ),
    (
        "help.complaint_seq",
        "nomor transaksi yang diadukan (opsional)",
        "number of the sale complained about (optional)",
    ),
    (
        "help.category",
        "kategori: harga, kualitas, jumlah, pemaketan, lainnya",
        "category: harga, kualitas, jumlah, pemaketan, lainnya",
    ),
    ("help.text", "isi pengaduan", "complaint text"),
    (
        "help.import",
        "impor kebijakan, katalog atau roster dari CSV/JSON (kebijakan: TOML/JSON)",
        "import a policy, catalogue or roster from CSV/JSON (policy: TOML/JSON)",
    ),
    ("help.file", "berkas yang diimpor", "file to import"),
    ("help.operator", "kelola operator", "manage operators"),
    (
        "help.operator_add",
        "tambah operator (yang pertama harus supervisor)",
        "add an operator (the first must be a supervisor)",
    ),
    ("help.operator_name", "nama operator", "operator name"),
    (
        "help.role",
        "peran: kasir atau supervisor",
        "role: kasir or supervisor",
    ),
    (
        "help.new_pin",
        "PIN operator baru (4-12 angka)",
        "the new operator's PIN (4-12 digits)",
    ),
    (
        "help.check",
        "periksa rantai hash ledger",
        "verify the ledger's hash chain",
    ),
    (
        "cli.seq",
        "harus nomor transaksi (bilangan bulat positif)",
        "must be a transaction number (a positive whole number)",
    ),
    (
        "cli.first_supervisor",
        "--role: operator pertama di terminal baru harus supervisor",
        "--role: the first operator on a new terminal must be a supervisor",
    ),
    (
        "cli.operator_added",
        "Operator {name} ({role}) ditambahkan",
        "Operator {name} ({role}) added",
    ),
    (
        "cli.usage_missing",
        "argumen wajib belum diisi: {arg}; lihat --help",
        "a required argument is missing: {arg}; see --help",
    ),
    (
        "cli.usage_value",
        "{arg}: nilai '{value}' tidak valid; lihat --help",
        "{arg}: value '{value}' is not valid; see --help",
    ),
    (
        "cli.usage_unknown",
        "argumen tidak dikenal: {arg}; lihat --help",
        "unknown argument: {arg}; see --help",
    ),
    (
        "cli.usage_subcommand",
        "perintah tidak dikenal atau belum lengkap; lihat ewarong --help",
        "unknown or incomplete command; see ewarong --help",
    ),
    (
        "cli.usage_other",
        "baris perintah tidak valid: {detail}",
        "invalid command line: {detail}",
    ),
    (
        "ledger.permissions",
        "{path}: tidak dapat dibuat hanya untuk pemilik ({detail}); buku besar tidak dibuat",
        "{path}: could not be made owner-only ({detail}); no ledger was created",
    ),
    (
        "cli.usage_utf8",
        "{arg}: bukan teks yang sah (UTF-8); nilainya tidak ditampilkan",
        "{arg}: not valid text (UTF-8); the value is not shown",
    ),
    (
        "help.seal",
        "segel entri baru menjadi batch bertanda tangan (antrean kirim)",
        "seal new entries into a signed batch (the outbox)",
    ),
    (
        "help.seal_every",
        "ubah: segel otomatis setiap N entri (perlu PIN supervisor)",
        "change: seal automatically every N entries (needs a supervisor PIN)",
    ),
    (
        "help.batches",
        "daftar batch yang sudah disegel",
        "list the sealed batches",
    ),
    (
        "cli.seal_every",
        "Segel otomatis setiap {n} entri",
        "Seal automatically every {n} entries",
    ),
    (
        "cli.seal_nothing",
        "Tidak ada entri baru untuk disegel",
        "No new entries to seal",
    ),
    (
        "cli.sealed",
        "Batch {batch} disegel: entri {first}-{last}, akar {root}",
        "Batch {batch} sealed: entries {first}-{last}, root {root}",
    ),
    (
        "cli.batch_line",
        "batch {batch}  entri {first}-{last}  {at}  {reason}  akar {root}…  program {program}",
        "batch {batch}  entries {first}-{last}  {at}  {reason}  root {root}…  program {program}",
    ),
    (
        "ledger.not_enrolled",
        "terminal ini belum terdaftar di hub; aktifkan dulu: ewarong enrol --hub URL --code KODE --hub-key SIDIK-JARI",
        "this terminal is not enrolled with a hub yet; enrol first: ewarong enrol --hub URL --code CODE --hub-key FINGERPRINT",
    ),
    (
        "ledger.certificate",
        "sertifikat dari hub ditolak: {detail}",
        "the hub's certificate was refused: {detail}",
    ),
    (
        "ledger.hub_receipt",
        "tanda terima hub untuk batch {batch} ditolak: {detail}; batch tetap menunggu",
        "the hub's receipt for batch {batch} was refused: {detail}; the batch stays pending",
    ),
    (
        "hub.help.about",
        "hub kabupaten e-Warong: menerima batch terminal, mendaftarkan terminal",
        "e-Warong district hub: takes terminals' batches, enrols terminals",
    ),
    (
        "hub.help.data_dir",
        "folder data hub (kunci hub, database)",
        "the hub's data folder (hub key, database)",
    ),
    (
        "hub.help.database",
        "postgres://… untuk PostgreSQL; tanpa ini: SQLite di folder data",
        "postgres://… for PostgreSQL; without it: SQLite in the data folder",
    ),
    ("hub.help.serve", "jalankan API sinkron", "run the sync API"),
    (
        "hub.help.tls_cert",
        "sertifikat TLS (PEM); tanpa ini, tls.crt di direktori data bila ada",
        "TLS certificate (PEM); without it, tls.crt in the data directory if there is one",
    ),
    (
        "hub.help.tls_key",
        "kunci privat sertifikat TLS (PEM)",
        "the TLS certificate's private key (PEM)",
    ),
    (
        "hub.help.insecure_http",
        "layani HTTP tanpa TLS juga di alamat selain loopback (hanya untuk uji, atau di balik reverse proxy)",
        "serve plain HTTP on an address other than loopback too (tests only, or behind a reverse proxy)",
    ),
    (
        "hub.help.tls",
        "TLS hub sendiri: membuat sertifikat",
        "the hub's own TLS: make its certificate",
    ),
    (
        "hub.help.tls_init",
        "membuat sertifikat TLS swatanda tangan dan kuncinya di direktori data (tidak pernah menimpa)",
        "make a self-signed TLS certificate and its key in the data directory (never overwrites)",
    ),
    (
        "hub.help.tls_name",
        "nama DNS atau alamat IP yang dipakai terminal untuk hub ini (boleh berulang)",
        "a DNS name or IP address the terminals use for this hub (repeatable)",
    ),
    (
        "hub.needs_tls",
        "{addr} bukan loopback: layani dengan TLS (ewarong-hub tls init --name NAMA, atau --tls-cert/--tls-key), atau --insecure-http di balik reverse proxy TLS",
        "{addr} is not loopback: serve TLS (ewarong-hub tls init --name NAME, or --tls-cert/--tls-key), or --insecure-http behind a TLS reverse proxy",
    ),
    (
        "hub.tls_made",
        "sertifikat TLS dibuat: {path} untuk {names}; SHA-256 {sha256}. Berkas pendaftaran berikutnya memuatnya.",
        "TLS certificate made: {path} for {names}; SHA-256 {sha256}. Enrolment files from now on carry it.",
    ),
    (
        "hub.help.database_file",
        "berkas berisi URL PostgreSQL (dengan kata sandinya), agar tidak terlihat di ps; pemiliknya saja yang boleh membaca",
        "a file holding the PostgreSQL URL (with its password), so it never shows in ps; readable by its owner only",
    ),
    (
        "hub.help.ops",
        "cetak log operasi (kode, pendaftaran, pencabutan, terbitan, perpindahan) dan periksa rantai serta tanda tangannya",
        "print the operations log (codes, enrolments, revocations, publications, moves) and check its chain and signatures",
    ),
    (
        "hub.ops_ok",
        "log operasi utuh: {n} entri, berantai dan ditandatangani kunci hub",
        "operations log whole: {n} entries, chained and signed by the hub key",
    ),
    (
        "hub.ops_broken",
        "log operasi RUSAK pada entri {seq}: {why}",
        "operations log BROKEN at entry {seq}: {why}",
    ),
    (
        "hub.help.max_connections",
        "koneksi terbuka paling banyak, dari semua alamat (dibatasi juga oleh batas berkas proses)",
        "connections open at most, from all addresses (also bounded by the process's file limit)",
    ),
    (
        "hub.help.per_address",
        "koneksi terbuka paling banyak dari satu alamat IP",
        "connections open at most from one IP address",
    ),
    (
        "hub.help.header_timeout",
        "detik untuk mengirim header permintaan sebelum koneksi ditutup",
        "seconds to send a request's headers before the connection is closed",
    ),
    (
        "hub.help.listen",
        "alamat dengar, mis. 0.0.0.0:7410",
        "address to listen on, e.g. 0.0.0.0:7410",
    ),
    (
        "hub.help.migrate",
        "buat atau perbarui skema database",
        "create or upgrade the database schema",
    ),
    (
        "hub.help.terminal",
        "daftarkan atau cabut terminal",
        "enrol or revoke terminals",
    ),
    (
        "hub.help.import",
        "terima batch dari flashdisk dan tulis tanda terimanya",
        "take batches from a USB stick and write their receipts",
    ),
    (
        "hub.help.forks",
        "daftar percabangan (bukti) yang disimpan",
        "list the forks kept as evidence",
    ),
    (
        "hub.help.enrol",
        "buat kode pendaftaran sekali pakai",
        "make a one-time enrolment code",
    ),
    (
        "hub.help.region",
        "kode wilayah, mis. 5302",
        "region code, e.g. 5302",
    ),
    (
        "hub.help.enrol_file",
        "juga tulis berkas pendaftaran untuk terminal",
        "also write an enrolment file for the terminal",
    ),
    (
        "hub.help.revoke",
        "cabut terminal: semua kirimannya ditolak",
        "revoke a terminal: everything it sends is refused",
    ),
    (
        "hub.bad_database",
        "--database harus postgres://…; diberikan: …@{url}",
        "--database must be postgres://…; given: …@{url}",
    ),
    (
        "hub.already_serving",
        "hub lain sudah melayani folder data {dir} (database SQLite yang sama); hentikan hub itu dulu",
        "another hub already serves the data directory {dir} (the same SQLite database); stop that hub first",
    ),
    (
        "hub.migrated",
        "skema database hub mutakhir",
        "the hub database schema is up to date",
    ),
    (
        "hub.serving",
        "hub mendengar di {url}; sidik jari kunci hub {fingerprint}",
        "hub listening on {url}; hub key fingerprint {fingerprint}",
    ),
    (
        "hub.already_enrolled",
        "terminal {id} sudah terdaftar atau dicabut; cabut dulu untuk mendaftarkan kunci baru",
        "terminal {id} is already enrolled or revoked; revoke it first to enrol a new key",
    ),
    (
        "hub.enrol_code",
        "kode pendaftaran untuk {id}: {code} (sekali pakai, berlaku {days} hari)\nsidik jari hub (ketik bersama kode): {fingerprint}",
        "enrolment code for {id}: {code} (one use, valid {days} days)\nhub fingerprint (typed with the code): {fingerprint}",
    ),
    (
        "hub.unknown_terminal",
        "terminal {id} tidak dikenal hub ini",
        "terminal {id} is not known to this hub",
    ),
    (
        "move.bad_card",
        "kartu '{card}' bukan nomor kartu KPM yang sah (16 angka)",
        "card '{card}' is not a valid KPM card number (16 digits)",
    ),
    (
        "move.not_in_roster",
        "kartu {card} tidak ada di daftar KPM yang diterbitkan hub",
        "card {card} is not in the roster the hub published",
    ),
    (
        "move.no_home",
        "kartu {card} tidak punya e-warong asal (kolom home) di daftar KPM; terbitkan daftar dengan kolom home",
        "card {card} has no home e-warong (column home) in the roster; publish a roster with the home column",
    ),
    (
        "move.waiting",
        "kartu {card} masih dalam perpindahan {id}: menunggu pelepasan saldo dari {from}",
        "card {card} is still in move {id}: waiting for {from} to release the balance",
    ),
    (
        "move.already_home",
        "kartu {card} sudah ber-e-warong asal {home}",
        "card {card} already has {home} as its home e-warong",
    ),
    (
        "move.not_enrolled",
        "terminal {id} belum terdaftar (kodenya belum dipakai): KPM hanya bisa dipindah ke terminal yang sudah terdaftar",
        "terminal {id} has not enrolled yet (its code is unused): a KPM can only move to an enrolled terminal",
    ),
    (
        "move.revoked",
        "terminal {id} sudah dicabut: KPM tidak bisa dipindah ke sana",
        "terminal {id} is revoked: no KPM can be moved there",
    ),
    (
        "hub.moved",
        "perpindahan {id}: kartu {card} dari {from} ke {to}; {from} melepas saldo saat sinkron berikutnya",
        "move {id}: card {card} from {from} to {to}; {from} releases the balance at its next sync",
    ),
    (
        "hub.help.kpm",
        "kelola KPM: pindahkan ke e-warong lain",
        "manage KPM: move to another e-warong",
    ),
    (
        "hub.help.move",
        "pindahkan KPM ke e-warong asal yang baru",
        "move a KPM to a new home e-warong",
    ),
    (
        "hub.help.card",
        "nomor kartu KPM (16 angka)",
        "KPM card number (16 digits)",
    ),
    (
        "hub.help.to",
        "id terminal e-warong tujuan",
        "terminal id of the new home e-warong",
    ),
    (
        "hub.keys_written",
        "berkas kepercayaan {path} ditulis: {count} terminal, kunci hub {fingerprint}",
        "trust file {path} written: {count} terminals, hub key {fingerprint}",
    ),
    (
        "hub.help.keys",
        "berkas kepercayaan untuk pemeriksa: kunci hub dan kunci setiap terminal (untuk `ewarong audit --trust`)",
        "a trust file for supervisors: the hub's key and every terminal's key (for `ewarong audit --trust`)",
    ),
    (
        "hub.help.keys_out",
        "tulis ke berkas ini (bawaan: cetak ke layar)",
        "write to this file (default: print it)",
    ),
    (
        "hub.revoked",
        "terminal {id} dicabut",
        "terminal {id} revoked",
    ),
    (
        "hub.fork_line",
        "PERCABANGAN {id} batch {batch} pada {at}: {reason}",
        "FORK {id} batch {batch} at {at}: {reason}",
    ),
    ("hub.no_forks", "tidak ada percabangan", "no forks"),
    (
        "hub.help.publish",
        "terbitkan kebijakan, katalog, daftar KPM atau harga acuan untuk terminal (ditandatangani)",
        "publish a policy, catalogue, roster or reference prices to terminals (signed)",
    ),
    (
        "hub.published",
        "{kind} versi {version} diterbitkan; terminal mengambilnya saat sinkron berikutnya",
        "{kind} version {version} published; terminals take it at their next sync",
    ),
    (
        "hub.help.link_sim",
        "Simulasi jaringan lemah untuk uji: terminal yang diarahkan ke --listen mencapai hub di --target lewat jaringan edge, satellite atau flaky-3g",
        "A weak link for trials: a terminal pointed at --listen reaches the hub at --target over an edge, satellite or flaky-3g link",
    ),
    (
        "hub.help.link_target",
        "Alamat hub yang dituju (host:port)",
        "The hub's address to reach (host:port)",
    ),
    (
        "hub.help.link_profile",
        "Jenis jaringan: edge (2G), satellite (VSAT), flaky-3g (hotspot yang sering putus)",
        "The link: edge (2G), satellite (VSAT), flaky-3g (a hotspot that drops)",
    ),
    (
        "hub.help.report",
        "laporan periode: belanja KPM di semua terminal, kelebihan belanja, percabangan, terminal yang diam",
        "period report: KPM spending across terminals, overspending, forks, silent terminals",
    ),
    (
        "hub.help.period",
        "periode program, YYYY-MM (bawaan: bulan ini)",
        "programme period, YYYY-MM (default: this month)",
    ),
    (
        "hub.help.silent_days",
        "terminal dianggap diam setelah sekian hari tanpa kiriman",
        "a terminal counts as silent after this many days without an upload",
    ),
    (
        "hub.rule.period",
        "harus YYYY-MM, mis. 2026-11",
        "must be YYYY-MM, e.g. 2026-11",
    ),
    (
        "hub.report.head",
        "Periode {period}: {kpm} KPM berbelanja, total {total}",
        "Period {period}: {kpm} KPM served, total {total}",
    ),
    (
        "hub.report.overspent",
        "Kelebihan belanja: {n} KPM",
        "Overspent: {n} KPM",
    ),
    (
        "hub.report.overspent_line",
        "{card}: belanja {spent}, saldo terbesar yang terlihat {seen}, lebih {over} (terminal {terminals})",
        "{card}: spent {spent}, most balance seen {seen}, over by {over} (terminals {terminals})",
    ),
    (
        "hub.report.several",
        "KPM yang dilayani di lebih dari satu terminal: {n}",
        "KPM served at more than one terminal: {n}",
    ),
    (
        "hub.report.forks",
        "Percabangan (bukti disimpan): {n}",
        "Forks (kept as evidence): {n}",
    ),
    (
        "hub.report.silent",
        "Terminal diam {days} hari atau lebih: {n}",
        "Terminals silent for {days} days or more: {n}",
    ),
    (
        "hub.imported",
        "{accepted} batch diterima, {refused} ditolak",
        "{accepted} batches accepted, {refused} refused",
    ),
    (
        "ui.status.not_enrolled",
        "Belum terdaftar di hub",
        "Not enrolled with a hub",
    ),
    ("ui.status.online", "Terhubung ke hub", "Online"),
    ("ui.status.offline", "Tidak terhubung ke hub", "Offline"),
    (
        "ui.status.sync_waiting",
        "Menghubungi hub…",
        "Contacting the hub…",
    ),
    ("ui.status.last_sync", "sinkron {time}", "synced {time}"),
    ("ui.hub.title", "Hub", "Hub"),
    (
        "ui.hub.enrolled",
        "Terdaftar di {hub}",
        "Enrolled with {hub}",
    ),
    (
        "ui.hub.pending",
        "{n} batch menunggu dikirim",
        "{n} batches waiting to be sent",
    ),
    ("ui.hub.sync_now", "Sinkron sekarang", "Sync now"),
    (
        "ui.hub.not_enrolled",
        "Terminal ini belum terdaftar. Minta lembar pendaftaran (kode dan sidik jari hub) ke operator hub.",
        "This terminal is not enrolled. Ask the hub operator for the enrolment sheet (code and hub fingerprint).",
    ),
    ("ui.hub.url", "Alamat hub", "Hub address"),
    ("ui.hub.code", "Kode pendaftaran", "Enrolment code"),
    (
        "ui.hub.rule_key",
        "harus 16 digit hex seperti di lembar pendaftaran, misalnya ab12 cd34 ef56 7890",
        "must be the 16 hex digits on the enrolment sheet, like ab12 cd34 ef56 7890",
    ),
    (
        "ui.hub.key",
        "Sidik jari hub (lembar pendaftaran)",
        "Hub fingerprint (enrolment sheet)",
    ),
    ("ui.hub.enrol", "Daftarkan", "Enrol"),
    (
        "ui.hub.move",
        "Pindah ke hub lain (supervisor)",
        "Move to another hub (supervisor)",
    ),
    (
        "ui.hub.reason",
        "Alasan pindah hub (dicatat di buku besar)",
        "Reason for the move (written in the ledger)",
    ),
    ("ui.hub.move_do", "Pindah hub", "Move hub"),
    (
        "ui.hub.move_ok",
        "Pindah hub tercatat di buku besar. Sidik jari kunci hub baru: {fingerprint}. Semua batch dikirim ke hub baru.",
        "The hub change is in the ledger. New hub key fingerprint: {fingerprint}. Every batch goes to the new hub.",
    ),
    (
        "ui.hub.enrol_ok",
        "Terdaftar. Sidik jari kunci hub: {fingerprint}",
        "Enrolled. Hub key fingerprint: {fingerprint}",
    ),
    (
        "help.enrol",
        "daftarkan terminal ini ke hub dengan kode sekali pakai",
        "enrol this terminal with a hub using a one-time code",
    ),
    (
        "help.hub_url",
        "alamat hub, mis. http://hub.kabupaten:7410",
        "the hub's address, e.g. http://hub.district:7410",
    ),
    (
        "help.enrol_hub_key",
        "sidik jari kunci hub dari lembar pendaftaran (16 digit hex); wajib dengan --hub tanpa --file",
        "the hub key fingerprint from the enrolment sheet (16 hex digits); required with --hub without --file",
    ),
    (
        "help.enrol_code",
        "kode sekali pakai dari operator hub",
        "the one-time code from the hub operator",
    ),
    (
        "help.enrol_file",
        "berkas pendaftaran dari operator hub",
        "the enrolment file from the hub operator",
    ),
    (
        "help.sync",
        "kirim batch yang menunggu ke hub dan simpan tanda terimanya (satu putaran)",
        "send pending batches to the hub and record its receipts (one round)",
    ),
    (
        "help.export_batches",
        "tulis batch yang menunggu ke folder (flashdisk)",
        "write pending batches to a folder (USB stick)",
    ),
    (
        "help.import_receipts",
        "baca tanda terima hub dari folder (flashdisk)",
        "read the hub's receipts from a folder (USB stick)",
    ),
    ("help.dir", "folder", "folder"),
    ("rule.required", "wajib diisi", "is required"),
    (
        "cli.enrol_other_terminal",
        "berkas pendaftaran untuk terminal {file}, bukan terminal ini ({ours})",
        "the enrolment file is for terminal {file}, not this one ({ours})",
    ),
    (
        "cli.enrol_wrong_hub",
        "kunci hub yang menjawab tidak sama dengan kunci di berkas pendaftaran; tidak didaftarkan",
        "the hub that answered has a different key from the enrolment file; not enrolled",
    ),
    (
        "cli.enrolled",
        "terdaftar di hub {hub} (wilayah {region}); sidik jari kunci hub {fingerprint}",
        "enrolled with hub {hub} (region {region}); hub key fingerprint {fingerprint}",
    ),
    (
        "cli.exported",
        "{count} batch ditulis ke {dir}; bawa ke hub, lalu bawa kembali tanda terimanya",
        "{count} batches written to {dir}; take them to the hub, then bring back the receipts",
    ),
    (
        "cli.receipts_imported",
        "{new} tanda terima baru dicatat, {already} sudah ada; {pending} batch masih menunggu",
        "{new} new receipts recorded, {already} already known; {pending} batches still pending",
    ),
    (
        "sync.already_enrolled",
        "terminal ini sudah terdaftar di hub {hub} (sidik jari {fingerprint}); pendaftaran tidak memindahkan terminal ke hub lain; untuk pindah: ewarong change-hub dengan PIN supervisor",
        "this terminal is already enrolled with hub {hub} (fingerprint {fingerprint}); enrolment does not move a terminal to another hub; to move it: ewarong change-hub with a supervisor PIN",
    ),
    (
        "release.help.about",
        "kunci rilis ewarong: tanda tangan Ed25519 atas SHA256SUMS sebuah rilis",
        "the ewarong release key: an Ed25519 signature over a release's SHA256SUMS",
    ),
    (
        "release.help.init",
        "buat kunci rilis (hanya pemilik yang bisa membaca; tidak pernah menimpa)",
        "make the release key (owner-only; never overwrites)",
    ),
    (
        "release.help.public",
        "cetak kunci publik rilis sebagai PEM (untuk openssl)",
        "print the release public key as PEM (for openssl)",
    ),
    (
        "release.help.sign",
        "tandatangani berkas SHA256SUMS; menulis SHA256SUMS.sig",
        "sign a SHA256SUMS file; writes SHA256SUMS.sig",
    ),
    (
        "release.help.verify",
        "periksa SHA256SUMS.sig dengan kunci publik rilis",
        "check SHA256SUMS.sig with the release public key",
    ),
    (
        "release.help.key",
        "berkas kunci rilis",
        "the release key file",
    ),
    (
        "release.help.public_pem",
        "kunci publik rilis (PEM)",
        "the release public key (PEM)",
    ),
    (
        "release.help.sums",
        "berkas SHA256SUMS; tanda tangannya di samping: SHA256SUMS.sig",
        "the SHA256SUMS file; its signature beside it: SHA256SUMS.sig",
    ),
    (
        "release.created",
        "kunci rilis dibuat di {path}; sidik jari {fingerprint}",
        "release key made at {path}; fingerprint {fingerprint}",
    ),
    (
        "release.signed",
        "ditandatangani: {path} (kunci {fingerprint})",
        "signed: {path} (key {fingerprint})",
    ),
    (
        "release.verified",
        "BENAR: {path} ditandatangani kunci rilis {fingerprint}",
        "GOOD: {path} is signed by the release key {fingerprint}",
    ),
    (
        "release.bad_signature",
        "DITOLAK: tanda tangan {path} tidak cocok dengan kunci rilis {fingerprint}; jangan pasang berkas ini",
        "REFUSED: the signature of {path} does not match the release key {fingerprint}; do not install these files",
    ),
    (
        "release.bad_pem",
        "{path}: bukan kunci publik Ed25519 dalam PEM",
        "{path}: not an Ed25519 public key in PEM",
    ),
    (
        "help.change_hub",
        "pindahkan terminal yang sudah terdaftar ke hub lain (lembar pendaftaran hub baru, PIN supervisor, alasan)",
        "move an enrolled terminal to another hub (the new hub's enrolment sheet, a supervisor PIN, a reason)",
    ),
    (
        "cli.hub_changed",
        "Terminal pindah ke hub {hub} (wilayah {region}, sidik jari {fingerprint}); sinkronkan untuk mengirim semua batch ke hub baru",
        "Terminal moved to hub {hub} (region {region}, fingerprint {fingerprint}); sync to send every batch to the new hub",
    ),
    (
        "ledger.same_hub",
        "terminal ini sudah terdaftar di hub dengan sidik jari {fingerprint}; tidak ada yang dipindahkan",
        "this terminal is already enrolled with the hub whose fingerprint is {fingerprint}; nothing was moved",
    ),
    (
        "sync.plain_http",
        "{url} memakai http:// tanpa TLS ke mesin lain; pakai https:// (data KPM hanya lewat TLS); tidak didaftarkan",
        "{url} is plain http:// to another machine; use https:// (KPM data travels only over TLS); not enrolled",
    ),
    (
        "sync.tls_not_vouched",
        "sertifikat TLS hub di {url} tidak ditandatangani kunci hub; tidak didaftarkan, kode tidak dikirim",
        "the TLS certificate of the hub at {url} is not signed by the hub key; not enrolled, the code was not sent",
    ),
    (
        "sync.wrong_hub",
        "hub yang menjawab punya sidik jari kunci {answered}, bukan {expected} seperti di lembar pendaftaran; tidak didaftarkan, kode tidak dikirim",
        "the hub that answered has key fingerprint {answered}, not {expected} as on the enrolment sheet; not enrolled, the code was not sent",
    ),
    (
        "sync.offline",
        "hub tidak bisa dihubungi (tidak ada sinyal?): {detail}",
        "the hub cannot be reached (no signal?): {detail}",
    ),
    (
        "sync.fork",
        "HUB MENOLAK: riwayat terminal ini berbeda dari yang disimpan hub. Hubungi supervisor. {detail}",
        "HUB REFUSED: this terminal's history differs from what the hub stored. Call the supervisor. {detail}",
    ),
    (
        "sync.hub_error",
        "hub menjawab {status} ({code}): {detail}",
        "the hub answered {status} ({code}): {detail}",
    ),
    (
        "sync.code.revoked",
        "Terminal ini dicabut oleh hub; hubungi operator hub.",
        "This terminal was revoked by the hub; call the hub operator.",
    ),
    (
        "sync.code.unknown_terminal",
        "Hub tidak mengenal terminal ini; periksa alamat hub atau daftar ulang.",
        "The hub does not know this terminal; check the hub address or enrol again.",
    ),
    (
        "sync.code.unknown_key",
        "Hub tidak mengenal kunci terminal ini; periksa alamat hub, atau hubungi operator hub.",
        "The hub does not know this terminal's key; check the hub address, or call the hub operator.",
    ),
    (
        "sync.code.clock",
        "Jam terminal terlalu jauh dari jam hub; sudah dicoba lagi dengan jam hub. Periksa jam terminal.",
        "The terminal's clock is too far from the hub's; it was retried on the hub's clock. Check the terminal's clock.",
    ),
    (
        "sync.code.too_many_requests",
        "Terlalu banyak permintaan atau percobaan gagal dari jaringan ini; tunggu satu menit.",
        "Too many requests or failed attempts from this network; wait a minute.",
    ),
    (
        "sync.code.bad_code",
        "Kode pendaftaran salah, sudah dipakai, atau kedaluwarsa.",
        "The enrolment code is wrong, already used, or expired.",
    ),
    (
        "sync.code.bad_signature",
        "Hub menolak tanda tangan batch; kunci terminal tidak cocok dengan yang terdaftar.",
        "The hub refused the batch signature; the terminal key is not the enrolled one.",
    ),
    (
        "sync.code.bad_checkpoint",
        "Hub menolak checkpoint batch (tidak ditandatangani kunci terminal ini untuk pohon yang sama); jalankan audit pada ledger ini.",
        "The hub refused the batch checkpoint (not signed by this terminal's key for the same tree); run an audit on this ledger.",
    ),
    (
        "sync.code.root_mismatch",
        "Kiriman rusak di jalan; akan dicoba lagi.",
        "The upload was damaged on the way; it will be tried again.",
    ),
    (
        "sync.update_refused",
        "pembaruan {kind} versi {version} dari hub ditolak: {detail}; tidak ada yang berubah",
        "the hub's {kind} update version {version} was refused: {detail}; nothing changed",
    ),
    (
        "sync.update_signature",
        "tanda tangan hub tidak cocok dengan dokumen",
        "the hub's signature does not match the document",
    ),
    (
        "sync.updated",
        "; diperbarui dari hub: {list}",
        "; updated from the hub: {list}",
    ),
    (
        "revoked.warning",
        "PERINGATAN: hub mencabut terminal {terminal} pada {at}; catatannya tidak lagi dipercaya hub",
        "WARNING: the hub revoked terminal {terminal} at {at}; the hub no longer trusts its records",
    ),
    (
        "cli.released_export",
        " (bawa lagi dengan export-batches)",
        " (carry them with export-batches again)",
    ),
    (
        "hub.updates_written",
        "pembaruan hub ditulis untuk {n} terminal",
        "hub updates written for {n} terminals",
    ),
    (
        "sync.released",
        "; saldo {n} KPM yang pindah dilepas ke e-warong barunya",
        "; balance of {n} moved KPM released to their new e-warong",
    ),
    (
        "sync.protocol",
        "jawaban hub tidak bisa dibaca: {detail}",
        "the hub's answer cannot be read: {detail}",
    ),
    ("sync.file", "{path}: {detail}", "{path}: {detail}"),
    (
        "sync.clock_behind",
        "jam terminal terlambat {minutes} menit dari hub; betulkan jam laptop",
        "the terminal clock is {minutes} minutes behind the hub; fix the laptop's clock",
    ),
    (
        "sync.clock_ahead",
        "jam terminal lebih cepat {minutes} menit dari hub; betulkan jam laptop",
        "the terminal clock is {minutes} minutes ahead of the hub; fix the laptop's clock",
    ),
    (
        "sync.done",
        "sinkron: {acked} batch diterima hub, {pending} masih menunggu; hub menyimpan sampai seq {seq}",
        "synced: {acked} batches received by the hub, {pending} still pending; the hub holds up to seq {seq}",
    ),
    (
        "sync.still_pending",
        " (coba lagi nanti)",
        " (try again later)",
    ),
    (
        "sync.receipt.signature",
        "tanda tangan hub tidak cocok",
        "the hub's signature does not match",
    ),
    (
        "sync.receipt.unknown_batch",
        "batch itu tidak ada di ledger ini",
        "this ledger has no such batch",
    ),
    (
        "sync.receipt.range",
        "rentang entri tidak sama dengan batch di ledger",
        "the entry range differs from the batch in the ledger",
    ),
    (
        "sync.receipt.terminal",
        "tanda terima untuk terminal lain",
        "the receipt is for another terminal",
    ),
    (
        "ledger.key_mismatch",
        "kunci terminal ini bukan kunci yang tercatat di ledger; tidak ada yang ditandatangani",
        "this terminal key is not the key recorded in the ledger; nothing was signed",
    ),
    ("rcpt.code", "Kode verifikasi", "Verification code"),
    (
        "help.verify_receipt",
        "periksa kode verifikasi struk (tanda tangan; dengan --ledger juga isi ledger)",
        "check a receipt's verification code (signature; with --ledger also the ledger)",
    ),
    (
        "help.receipt_code",
        "kode verifikasi dari struk (isi QR, EWR1....)",
        "the receipt's verification code (the QR content, EWR1....)",
    ),
    (
        "help.ledger_file",
        "berkas ledger yang diperiksa, misalnya salinan dari flashdisk (hanya dibaca)",
        "the ledger file to check, e.g. a copy from a USB stick (read only)",
    ),
    (
        "help.pubkey",
        "kunci publik terminal (base64); bawaan: kunci yang tercatat di ledger",
        "the terminal's public key (base64); default: the key recorded in the ledger",
    ),
    (
        "help.qr",
        "tampilkan juga kode QR struk",
        "also show the receipt's QR code",
    ),
    (
        "vr.format",
        "bukan kode verifikasi struk ewarong (EWR2.... atau EWR1....)",
        "not an ewarong receipt verification code (EWR2.... or EWR1....)",
    ),
    (
        "vr.ledger_differs",
        "isi ledger ini BERBEDA dari yang ditandatangani terminal pada checkpoint terakhirnya ({latest} entri): ada entri yang diubah, ditambah atau dihapus",
        "this ledger's entries DIFFER from what the terminal signed in its latest checkpoint ({latest} entries): an entry was changed, added or removed",
    ),
    (
        "vr.head_only",
        "Kode lama (EWR1): tanda tangan hanya menjamin kepala pohon ledger, BUKAN isi penjualan; periksa isi dengan --ledger",
        "Older code (EWR1): the signature covers only the ledger's tree head, NOT what was sold; check the sale with --ledger",
    ),
    (
        "vr.sale_signed",
        "Tanda tangan sah. Yang ditandatangani terminal {terminal}: transaksi {seq}, {at}, kartu **** {card}:",
        "Signature valid. What terminal {terminal} signed: transaction {seq}, {at}, card **** {card}:",
    ),
    (
        "vr.sale_totals",
        "  Total {total}; saldo sebelum {before}, sesudah {after}",
        "  Total {total}; balance before {before}, after {after}",
    ),
    (
        "vr.need_key",
        "perlu --pubkey atau --ledger untuk memeriksa tanda tangan",
        "--pubkey or --ledger is needed to check the signature",
    ),
    (
        "vr.bad_key",
        "--pubkey: bukan kunci publik Ed25519 (base64, 32 byte)",
        "--pubkey: not an Ed25519 public key (base64, 32 bytes)",
    ),
    (
        "vr.bad_signature",
        "struk TIDAK SAH: tanda tangan terminal tidak cocok (struk diubah, atau dari terminal/kunci lain)",
        "receipt NOT VALID: the terminal signature does not match (the receipt was changed, or is from another terminal or key)",
    ),
    (
        "vr.signature_ok",
        "Tanda tangan sah: terminal {terminal}, transaksi {seq}, pohon {size} entri",
        "Signature valid: terminal {terminal}, transaction {seq}, tree of {size} entries",
    ),
    (
        "vr.valid",
        "Struk sah dan tercatat di ledger (ledger kini {latest} entri, konsisten dengan struk)",
        "Receipt valid and in the ledger (the ledger now has {latest} entries, consistent with the receipt)",
    ),
    (
        "vr.other_terminal",
        "struk dari terminal {terminal}, tetapi ledger ini milik terminal {ledger}",
        "the receipt is from terminal {terminal}, but this ledger belongs to terminal {ledger}",
    ),
    (
        "vr.missing",
        "transaksi {seq} pada struk TIDAK ADA di ledger ini (dihapus, diubah, atau tidak pernah dicatat)",
        "transaction {seq} on the receipt is NOT in this ledger (removed, changed, or never recorded)",
    ),
    (
        "vr.history",
        "riwayat ledger sebelum transaksi {seq} BERBEDA dari yang ditandatangani terminal",
        "the ledger's history before transaction {seq} DIFFERS from what the terminal signed",
    ),
    (
        "vr.latest",
        "checkpoint terakhir ledger tidak sah atau tidak melanjutkan pohon pada struk",
        "the ledger's latest checkpoint is invalid or does not extend the receipt's tree",
    ),
    (
        "audit.key_replaced",
        "kunci yang diberikan ({key}) tidak pernah tercatat di ledger ini: kunci diganti",
        "the given key ({key}) was never recorded in this ledger: the key was replaced",
    ),
    (
        "audit.gap",
        "nomor urut melompat: berikutnya seharusnya seq ini, ditemukan {found} (entri dihapus atau disisipkan)",
        "the sequence jumps: this seq was expected, {found} was found (an entry was deleted or inserted)",
    ),
    (
        "audit.leaf_mismatch",
        "isi entri tidak cocok dengan hash daun yang tersimpan",
        "the entry's content does not match its stored leaf hash",
    ),
    (
        "audit.prev_mismatch",
        "hash sebelumnya tidak menunjuk entri sebelumnya",
        "the previous hash does not point to the previous entry",
    ),
    (
        "audit.chain_mismatch",
        "hash rantai tidak cocok",
        "the chain hash does not match",
    ),
    (
        "audit.tree_mismatch",
        "akar pohon Merkle tersimpan tidak cocok dengan entri",
        "the stored Merkle root does not match the entries",
    ),
    (
        "audit.entry_signature",
        "tanda tangan checkpoint entri tidak sah",
        "the entry's checkpoint signature is not valid",
    ),
    (
        "audit.undecodable",
        "isi entri tidak bisa dibaca ({detail})",
        "the entry's content cannot be decoded ({detail})",
    ),
    (
        "audit.terminal",
        "entri ditandatangani untuk terminal lain: {signed}",
        "the entry was signed for another terminal: {signed}",
    ),
    (
        "audit.seq_mismatch",
        "entri di posisi ini ditandatangani sebagai seq {signed} (urutan ditukar atau disisipkan)",
        "the entry at this position was signed as seq {signed} (reordered or inserted)",
    ),
    (
        "audit.header_mismatch",
        "jenis atau waktu tersimpan berbeda dari yang ditandatangani ({kind}, {at})",
        "the stored kind or time differs from what was signed ({kind}, {at})",
    ),
    (
        "audit.row_missing",
        "baris tabel hilang untuk entri yang ditandatangani",
        "the table row of a signed entry is missing",
    ),
    (
        "audit.row_unsigned",
        "baris tabel tanpa entri bertanda tangan (disisipkan)",
        "a table row with no signed entry behind it (inserted)",
    ),
    (
        "audit.column",
        "kolom {column}: tersimpan '{stored}', ditandatangani '{signed}'",
        "column {column}: stored '{stored}', signed '{signed}'",
    ),
    (
        "audit.program_run",
        "batch {first}-{last} disegel oleh ewarong {program}",
        "batches {first}-{last} sealed by ewarong {program}",
    ),
    (
        "audit.program_unknown",
        "(versi tidak tercatat: sebelum migrasi 0009)",
        "(version not recorded: before migration 0009)",
    ),
    (
        "audit.hub_change_not_supervisor",
        "pindah hub disetujui oleh '{who}', yang bukan supervisor",
        "hub change approved by '{who}', who is not a supervisor",
    ),
    (
        "audit.hub_change_mismatch",
        "pindah hub tidak cocok dengan pendaftaran hub yang tersimpan ({detail})",
        "the hub change does not match the hub enrolments stored ({detail})",
    ),
    (
        "audit.enrolment_unexplained",
        "pendaftaran hub tanpa pindah hub yang ditandatangani dan disetujui supervisor",
        "a hub enrolment with no signed hub change approved by a supervisor",
    ),
    (
        "audit.void_not_supervisor",
        "pembatalan oleh '{who}', yang bukan supervisor",
        "voided by '{who}', who is not a supervisor",
    ),
    (
        "audit.unknown_policy",
        "kebijakan versi {version} yang dipakai penjualan ini tidak ada di ledger",
        "policy version {version}, used by this sale, is not in the ledger",
    ),
    (
        "audit.forbidden",
        "{product} bukan bahan pangan yang diizinkan (kelompok '{group}')",
        "{product} is not an allowed food item (group '{group}')",
    ),
    (
        "audit.line_total",
        "{product}: total baris {total} tidak sama dengan harga × jumlah",
        "{product}: line total {total} is not price × quantity",
    ),
    (
        "audit.price_without_reason",
        "{product}: harga {price} di atas batas tanpa alasan",
        "{product}: price {price} above the limit without a reason",
    ),
    (
        "audit.total",
        "total {total} tidak sama dengan jumlah baris {sum}",
        "total {total} is not the sum of the lines {sum}",
    ),
    (
        "audit.over_balance",
        "total {total} melebihi saldo {balance}",
        "total {total} is over the balance {balance}",
    ),
    (
        "audit.batch_continuity",
        "batch tidak bersambung (entri {first}-{last})",
        "the batch does not follow on (entries {first}-{last})",
    ),
    (
        "audit.batch_hash",
        "hash header batch tidak cocok dengan header",
        "the batch header hash does not match the header",
    ),
    (
        "audit.batch_prev",
        "batch tidak menunjuk header batch sebelumnya",
        "the batch does not point to the previous batch header",
    ),
    (
        "audit.batch_header",
        "header batch bertanda tangan berbeda dari kolom tersimpan ({field})",
        "the signed batch header differs from the stored columns ({field})",
    ),
    (
        "audit.batch_beyond",
        "batch menyegel sampai entri {last}, tetapi ledger hanya berisi {entries} entri (entri hilang)",
        "the batch seals up to entry {last}, but the ledger holds only {entries} entries (entries are missing)",
    ),
    (
        "audit.batch_root",
        "akar Merkle batch tidak cocok dengan entri saat ini (entri diubah setelah disegel)",
        "the batch's Merkle root does not match the entries now (entries changed after sealing)",
    ),
    (
        "audit.batch_signature",
        "tanda tangan batch tidak sah dengan kunci terminal",
        "the batch signature is not valid with the terminal key",
    ),
    (
        "audit.batch_checkpoint",
        "checkpoint batch (signed note) tidak sah atau tidak cocok",
        "the batch checkpoint (signed note) is invalid or does not match",
    ),
    (
        "audit.key_missing",
        "ledger tidak mencatat kunci terminal: tidak ada yang bisa membuktikan siapa yang menandatangani",
        "the ledger records no terminal key: nothing can show who signed it",
    ),
    (
        "audit.key_not_newest",
        "kunci yang menandatangani sekarang ({key}) bukan kunci yang dipercaya ({trusted}): kunci diganti",
        "the key that signs now ({key}) is not the trusted key ({trusted}): the key was replaced",
    ),
    (
        "audit.no_signatures",
        "tidak ada tanda tangan yang diperiksa: isi ledger ini tidak terbukti",
        "no signature was checked: nothing in this ledger is proven",
    ),
    (
        "audit.certificate_invalid",
        "sertifikat hub tidak sah ({detail})",
        "the hub certificate is not valid ({detail})",
    ),
    (
        "audit.certificate_key",
        "sertifikat hub mengikat kunci {certified}, tetapi ledger ditandatangani dengan {key}: kunci diganti",
        "the hub certificate binds key {certified}, but the ledger is signed with {key}: the key was replaced",
    ),
    (
        "audit.certificate_missing",
        "kunci hub diberikan, tetapi ledger tidak menyimpan sertifikat hub",
        "a hub key was given, but the ledger holds no hub certificate",
    ),
    (
        "audit.hub_key_mismatch",
        "sertifikat di ledger ditandatangani hub {found}, bukan hub yang dipercaya ({trusted})",
        "the certificate in the ledger was signed by hub {found}, not the trusted hub ({trusted})",
    ),
    (
        "audit.ack_invalid",
        "tanda terima hub untuk batch ini tidak sah atau bukan untuk header batch ini ({detail})",
        "the hub's receipt for this batch is not valid or not for this batch header ({detail})",
    ),
    (
        "audit.ack_without_enrolment",
        "ada tanda terima hub, tetapi ledger tidak menyimpan pendaftaran hub",
        "there are hub receipts, but the ledger holds no hub enrolment",
    ),
    (
        "audit.batch_missing",
        "outbox menunjuk batch {batch} yang tidak ada (baris batch dihapus)",
        "the outbox names batch {batch}, which is not there (a batch row was deleted)",
    ),
    (
        "audit.outbox_missing",
        "batch ini tidak ada di outbox (baris outbox dihapus)",
        "this batch is not in the outbox (its outbox row was deleted)",
    ),
    (
        "audit.frontier_mismatch",
        "frontier pohon tersimpan tidak cocok dengan entri",
        "the stored tree frontier does not match the entries",
    ),
    (
        "audit.tail_unsealed",
        "{tail} entri belum disegel, lebih dari batas {every}: batch dihapus atau penyegelan berhenti",
        "{tail} entries are not sealed, more than the limit of {every}: batches were deleted or sealing stopped",
    ),
    (
        "audit.trust.pinned_key",
        "Diperiksa terhadap: kunci terminal yang disematkan pemeriksa ({key})",
        "Verified against: the terminal key the supervisor pinned ({key})",
    ),
    (
        "audit.trust.hub_certificate",
        "Diperiksa terhadap: sertifikat hub di ledger, dicek dengan kunci hub yang disematkan ({hub}); kunci terminal {key}",
        "Verified against: the hub certificate in the ledger, checked with the pinned hub key ({hub}); terminal key {key}",
    ),
    (
        "audit.trust.ledger_only",
        "Diperiksa terhadap: hanya kunci yang dicatat ledger sendiri ({key}). Integritas saja: penulis TIDAK diverifikasi (berikan kunci publik terminal, kunci hub, atau berkas kepercayaan dari hub)",
        "Verified against: only the key the ledger itself recorded ({key}). Integrity only: authorship NOT verified (give the terminal's public key, the hub's key, or the hub's trust file)",
    ),
    (
        "audit.integrity_only",
        "Audit {terminal}: {entries} entri, {batches} batch ({tail} entri belum disegel), {signatures} tanda tangan diperiksa: UTUH, PENULIS BELUM DIVERIFIKASI",
        "Audit {terminal}: {entries} entries, {batches} batches ({tail} entries not yet sealed), {signatures} signatures checked: INTACT, AUTHORSHIP NOT VERIFIED",
    ),
    (
        "ui.audit.trust",
        "Kunci publik terminal atau berkas kepercayaan dari hub (kosong: hanya integritas)",
        "Terminal public key or the hub's trust file (empty: integrity only)",
    ),
    (
        "ui.audit.bad_trust",
        "kunci atau berkas kepercayaan '{input}' tidak bisa dipakai: {detail}",
        "the key or trust file '{input}' cannot be used: {detail}",
    ),
    (
        "audit.bad_key",
        "bukan kunci publik Ed25519 (base64 seperti `ewarong key show`, atau 64 angka hex)",
        "not an Ed25519 public key (base64 as `ewarong key show` prints it, or 64 hex digits)",
    ),
    (
        "audit.trust_file",
        "berkas kepercayaan {path} tidak bisa dipakai: {detail}",
        "the trust file {path} cannot be used: {detail}",
    ),
    (
        "audit.trust_unknown_terminal",
        "terminal {terminal} tidak ada di berkas kepercayaan {path}",
        "terminal {terminal} is not in the trust file {path}",
    ),
    (
        "audit.clean",
        "Audit {terminal}: {entries} entri, {batches} batch ({tail} entri belum disegel), {signatures} tanda tangan diperiksa: BERSIH",
        "Audit {terminal}: {entries} entries, {batches} batches ({tail} entries not yet sealed), {signatures} signatures checked: CLEAN",
    ),
    (
        "audit.found",
        "Audit {terminal}: {entries} entri, {batches} batch, {count} TEMUAN",
        "Audit {terminal}: {entries} entries, {batches} batches, {count} FINDINGS",
    ),
    (
        "audit.progress",
        "audit: {done}/{total} entri",
        "audit: {done}/{total} entries",
    ),
    (
        "audit.unreadable",
        "berkas tidak bisa dibaca sebagai ledger ewarong: {detail}",
        "the file cannot be read as an ewarong ledger: {detail}",
    ),
    (
        "help.audit",
        "audit ledger secara offline (hanya dibaca): rantai, pohon, batch, tanda tangan, aturan program",
        "audit a ledger offline (read only): chain, tree, batches, signatures, programme rules",
    ),
    (
        "cli.saved_not_printed",
        "TERSIMPAN sebagai seq {seq}, tetapi keluaran gagal ditulis ({detail}); JANGAN ulangi: lihat `ewarong history`",
        "SAVED as seq {seq}, but the output could not be written ({detail}); do NOT repeat it: see `ewarong history`",
    ),
    (
        "help.hub_key",
        "kunci publik hub (base64 atau hex) yang dipercaya: sertifikat dan tanda terima di ledger harus cocok",
        "the trusted hub's public key (base64 or hex): the certificate and receipts in the ledger must match it",
    ),
    (
        "help.trust_file",
        "berkas kepercayaan dari `ewarong-hub terminal keys`: kunci hub dan kunci setiap terminal",
        "a trust file from `ewarong-hub terminal keys`: the hub's key and every terminal's key",
    ),
    (
        "audit.unverified",
        "tidak ada temuan, tetapi penulis ledger belum diverifikasi: tidak ada kunci dari luar ledger",
        "no findings, but who wrote the ledger is not verified: no key from outside the ledger",
    ),
    (
        "help.all_signatures",
        "periksa juga tanda tangan setiap entri (lebih lama)",
        "also check every entry's signature (slower)",
    ),
    (
        "key.needs_passphrase",
        "kunci terminal {path} terkunci kata sandi; isi EWARONG_KEY_PASSPHRASE",
        "the terminal key {path} is protected by a passphrase; set EWARONG_KEY_PASSPHRASE",
    ),
    (
        "key.wrong_passphrase",
        "kata sandi kunci terminal {path} salah",
        "wrong passphrase for the terminal key {path}",
    ),
    (
        "key.weak_passphrase",
        "EWARONG_KEY_PASSPHRASE: kata sandi kunci harus minimal 8 karakter",
        "EWARONG_KEY_PASSPHRASE: the key passphrase must be at least 8 characters",
    ),
    // chain check details
    (
        "check.leaf",
        "hash daun tidak cocok dengan isi entri",
        "the leaf hash does not match the entry's content",
    ),
    (
        "check.prev",
        "hash sebelumnya tidak cocok dengan entri sebelumnya",
        "the previous hash does not match the previous entry",
    ),
    (
        "check.chain",
        "hash rantai tidak cocok",
        "the chain hash does not match",
    ),
    (
        "check.gap",
        "nomor urut melompat (hilang atau disisipkan)",
        "the sequence number jumps (missing or inserted)",
    ),
    (
        "check.tree",
        "akar pohon Merkle yang tersimpan tidak cocok dengan entri",
        "the stored Merkle tree root does not match the entries",
    ),
    // receipt and reports
    (
        "rcpt.title",
        "STRUK PROGRAM SEMBAKO",
        "PROGRAM SEMBAKO RECEIPT",
    ),
    ("rcpt.terminal", "Terminal", "Terminal"),
    ("rcpt.seq", "No. transaksi", "Transaction no."),
    ("rcpt.time", "Waktu", "Time"),
    ("rcpt.card", "Kartu", "Card"),
    ("rcpt.name", "Nama", "Name"),
    ("rcpt.operator", "Kasir", "Cashier"),
    ("rcpt.total", "TOTAL", "TOTAL"),
    ("rcpt.balance_before", "Saldo awal", "Balance before"),
    ("rcpt.balance_after", "Sisa saldo", "Balance left"),
    ("rcpt.override", "Alasan harga", "Price reason"),
    ("rcpt.hash", "Hash", "Hash"),
    ("rcpt.saved", "Tersimpan", "Saved"),
    (
        "rcpt.complaint",
        "Pengaduan: SMS 1708, lapor.go.id, telepon 171",
        "Complaints: SMS 1708, lapor.go.id, phone 171",
    ),
    ("bal.card", "Kartu", "Card"),
    ("bal.name", "Nama", "Name"),
    ("bal.period", "Periode", "Period"),
    ("bal.carried", "Sisa bulan lalu", "Carried over"),
    ("bal.this_period", "Bantuan bulan ini", "This period"),
    ("bal.spent", "Terpakai bulan ini", "Spent this period"),
    ("bal.available", "Saldo tersedia", "Available"),
    (
        "bal.visitor",
        "KPM tamu: saldonya ada di e-warong {home}; di sini paling banyak {left} lagi bulan ini",
        "Visitor: the KPM's balance is at e-warong {home}; at most {left} more here this month",
    ),
    ("hist.seq", "Seq", "Seq"),
    ("hist.time", "Waktu", "Time"),
    ("hist.kind", "Jenis", "Kind"),
    ("hist.card", "Kartu", "Card"),
    ("hist.amount", "Jumlah", "Amount"),
    ("hist.note", "Catatan", "Note"),
    ("kind.sale", "penjualan", "sale"),
    ("kind.void", "pembatalan", "void"),
    ("kind.day_close", "tutup hari", "day close"),
    ("kind.complaint", "pengaduan", "complaint"),
    ("kind.lockout", "kunci kartu", "card lockout"),
    ("kind.release", "saldo dipindah", "balance released"),
    ("kind.hub_change", "pindah hub", "hub change"),
    ("hist.voided_by", "dibatalkan oleh {seq}", "voided by {seq}"),
    ("hist.voids", "membatalkan {seq}", "voids {seq}"),
    ("z.title", "LAPORAN TUTUP HARI (Z)", "DAY CLOSE REPORT (Z)"),
    ("x.title", "LAPORAN BERJALAN (X)", "RUNNING REPORT (X)"),
    ("z.day", "Tanggal", "Date"),
    ("z.range", "Seq", "Seq"),
    ("z.sales", "Jumlah transaksi", "Sales"),
    ("z.kpm", "KPM dilayani", "KPM served"),
    ("z.voids", "Pembatalan", "Voids"),
    ("z.net", "Total bersih", "Net total"),
    ("z.group", "Per kelompok pangan", "By food group"),
    ("list.id", "id", "id"),
    ("list.card", "Kartu", "Card"),
    ("list.name", "Nama", "Name"),
    ("list.desa", "Desa", "Village"),
    ("list.nik", "NIK", "NIK"),
    ("list.product", "Produk", "Product"),
    ("list.unit", "Satuan", "Unit"),
    ("list.class", "Kelompok", "Group"),
    ("list.price", "Harga acuan", "Reference price"),
    ("list.forbidden", "DILARANG", "FORBIDDEN"),
    // the counter GUI
    (
        "app.not_open",
        "ledger belum terbuka",
        "the ledger is not open",
    ),
    (
        "app.not_logged_in",
        "belum ada operator yang masuk",
        "no operator is logged in",
    ),
    ("rcpt.copy", "SALINAN", "COPY (SALINAN)"),
    ("role.kasir", "kasir", "cashier"),
    ("role.supervisor", "supervisor", "supervisor"),
    ("complaint.harga", "Harga", "Price"),
    ("complaint.kualitas", "Kualitas", "Quality"),
    (
        "complaint.jumlah",
        "Jumlah / timbangan",
        "Quantity / weight",
    ),
    (
        "complaint.pemaketan",
        "Dipaketkan / dipaksa beli",
        "Forced bundle",
    ),
    ("complaint.lainnya", "Lainnya", "Other"),
    (
        "help.gui",
        "buka layar kasir (bawaan tanpa perintah)",
        "open the counter window (the default with no command)",
    ),
    (
        "help.renderer",
        "penggambar layar: glow (ringan; bawaan, kecuali di Windows) atau wgpu (bawaan di Windows: DirectX 12, juga tanpa GPU)",
        "renderer: glow (light; the default, but on Windows) or wgpu (the default on Windows: DirectX 12, also without a GPU)",
    ),
    (
        "help.demo_tour",
        "tur singkat demo di terminal teks",
        "a short demo tour in the text terminal",
    ),
    (
        "ui.no_window",
        "layar tidak bisa dibuka (tidak ada tampilan grafis?)",
        "cannot open the window (no graphical display?)",
    ),
    ("ui.title", "e-Warong", "e-Warong"),
    ("ui.starting", "Membuka ledger…", "Opening the ledger…"),
    (
        "ui.failed",
        "Terminal tidak bisa dibuka",
        "The terminal cannot be opened",
    ),
    (
        "ui.setup.title",
        "Selamat datang di e-Warong",
        "Welcome to e-Warong",
    ),
    (
        "ui.setup.intro",
        "Belum ada data di komputer ini. Pilih cara memulai.",
        "There is no data on this computer yet. Choose how to start.",
    ),
    ("ui.setup.demo", "Mode demo", "Demo mode"),
    (
        "ui.setup.demo_hint",
        "Program contoh: 240 KPM dan 46 produk. Kasir: kasir / 1111, supervisor / 9999, PIN KPM 123456.",
        "A sample programme: 240 KPM and 46 products. Cashier: kasir / 1111, supervisor / 9999, KPM PIN 123456.",
    ),
    ("ui.setup.activate", "Aktivasi", "Activation"),
    (
        "ui.setup.activate_hint",
        "Untuk toko sungguhan: daftarkan terminal ke hub kabupaten dengan kode dari operator hub.",
        "For a real shop: enrol the terminal with the district hub using the hub operator's code.",
    ),
    (
        "ui.activate.title",
        "Aktivasi terminal",
        "Terminal activation",
    ),
    (
        "ui.activate.intro",
        "Isi alamat hub, sidik jari hub, ID terminal dan kode pendaftaran dari lembar operator hub, lalu buat PIN supervisor pertama.",
        "Enter the hub address, the hub fingerprint, the terminal id and the enrolment code from the hub operator's sheet, then choose the first supervisor's PIN.",
    ),
    ("ui.activate.terminal_id", "ID terminal", "Terminal id"),
    (
        "ui.activate.pin",
        "PIN supervisor baru",
        "New supervisor PIN",
    ),
    (
        "ui.activate.pin_again",
        "Ulangi PIN supervisor",
        "Supervisor PIN again",
    ),
    ("ui.activate.go", "Aktifkan", "Activate"),
    ("ui.activate.back", "Esc: kembali", "Esc: back"),
    (
        "ui.activate.busy",
        "Mendaftarkan terminal ke hub dan mengambil program…",
        "Enrolling with the hub and downloading the programme…",
    ),
    ("ui.activate.field", "{field}: {rule}", "{field}: {rule}"),
    (
        "ui.activate.rule_id",
        "1-64 huruf kecil, angka dan '-' (seperti di kode dari hub)",
        "1-64 lower-case letters, digits and '-' (as in the hub's code)",
    ),
    (
        "ui.activate.rule_same",
        "harus sama dengan PIN di atasnya",
        "must match the PIN above it",
    ),
    (
        "ui.setup.creating",
        "Menyiapkan data demo dan kunci terminal…",
        "Preparing the demo data and the terminal key…",
    ),
    (
        "ui.unlock.title",
        "Kunci terminal dilindungi kata sandi",
        "The terminal key is protected by a passphrase",
    ),
    ("ui.unlock.passphrase", "Kata sandi kunci", "Key passphrase"),
    ("ui.unlock.open", "Buka", "Open"),
    ("ui.login.title", "Masuk operator", "Operator login"),
    ("ui.login.name", "Nama operator", "Operator name"),
    ("ui.login.pin", "PIN operator", "Operator PIN"),
    ("ui.login.submit", "Masuk", "Log in"),
    (
        "ui.login.demo_hint",
        "Demo: kasir / 1111, supervisor / 9999",
        "Demo: kasir / 1111, supervisor / 9999",
    ),
    ("ui.logout", "Keluar", "Log out"),
    ("ui.nav.sale", "Transaksi", "Sale"),
    ("ui.nav.history", "Riwayat", "History"),
    ("ui.nav.complaints", "Pengaduan", "Complaints"),
    ("ui.nav.day_close", "Tutup hari", "Day close"),
    ("ui.nav.audit", "Audit", "Audit"),
    ("ui.nav.settings", "Pengaturan", "Settings"),
    ("ui.status.terminal", "Terminal {id}", "Terminal {id}"),
    (
        "ui.status.operator",
        "Operator: {name} ({role})",
        "Operator: {name} ({role})",
    ),
    ("ui.status.no_operator", "Belum masuk", "Not logged in"),
    (
        "ui.status.pending",
        "Belum terkirim: {batches} batch, {entries} entri belum disegel",
        "Not sent: {batches} batches, {entries} entries not yet sealed",
    ),
    (
        "ui.status.left",
        "Sisa kirim ≈ {size}, kira-kira {time}",
        "Left to send ≈ {size}, about {time}",
    ),
    ("ui.status.seconds", "{n} detik", "{n} s"),
    ("ui.status.minutes", "{n} menit", "{n} min"),
    ("ui.status.disk", "Disk kosong: {free}", "Free disk: {free}"),
    (
        "ui.status.disk_low",
        "HAMPIR PENUH: kosongkan disk atau sinkronkan",
        "NEARLY FULL: free some space or sync",
    ),
    (
        "ui.status.disk_unknown",
        "Disk kosong: tidak diketahui",
        "Free disk: unknown",
    ),
    ("ui.printed", "Terkirim ke {path}", "Sent to {path}"),
    ("ui.print", "Cetak", "Print"),
    ("ui.pdf", "PDF", "PDF"),
    ("ui.cancel", "Batal", "Cancel"),
    ("ui.receipt.next", "Transaksi berikutnya", "Next sale"),
    (
        "ui.receipt.qr_hint",
        "Pindai untuk memeriksa struk",
        "Scan to verify the receipt",
    ),
    ("ui.sale.kpm", "KPM", "KPM"),
    (
        "ui.sale.card",
        "Kartu KPM / cari nama, NIK, desa",
        "KPM card / search name, NIK, village",
    ),
    (
        "ui.sale.which_card",
        "{count} kartu berakhiran {digits}: pilih dengan panah lalu Enter, atau ketik lebih banyak angka",
        "{count} cards end with {digits}: choose with the arrows and Enter, or type more digits",
    ),
    (
        "ui.sale.no_card_ends",
        "tidak ada kartu yang berakhiran {digits}: pilih dari daftar atau ketik nomor kartu lengkap",
        "no card ends with {digits}: choose from the list or type the whole card number",
    ),
    (
        "ui.sale.card_hint",
        "Pindai kartu atau ketik, lalu Enter. Panah atas/bawah memilih hasil.",
        "Scan the card or type, then Enter. Up/Down arrows pick a result.",
    ),
    (
        "ui.sale.no_kpm",
        "Belum ada KPM dipilih.",
        "No KPM chosen yet.",
    ),
    ("ui.sale.desa", "Desa", "Village"),
    ("ui.sale.card_no", "Kartu", "Card"),
    ("ui.sale.nik", "NIK", "NIK"),
    ("ui.sale.no_nik", "belum ada", "none yet"),
    ("ui.sale.available", "Saldo tersedia", "Balance available"),
    ("ui.sale.carried", "Sisa bulan lalu", "Carried over"),
    (
        "ui.sale.this_period",
        "Bantuan {period}",
        "Aid for {period}",
    ),
    (
        "ui.sale.after",
        "Sisa setelah transaksi",
        "Left after this sale",
    ),
    ("ui.sale.spent", "Terpakai periode ini", "Spent this period"),
    (
        "ui.sale.visitor_left",
        "Sisa batas tamu",
        "Visitor cap left",
    ),
    (
        "ui.sale.visitor",
        "KPM tamu: saldonya ada di e-warong {home}",
        "Visitor: the KPM's balance is at e-warong {home}",
    ),
    ("ui.sale.catalogue", "Bahan pangan", "Food items"),
    (
        "ui.sale.product",
        "Produk: barcode, nomor atau nama",
        "Product: barcode, number or name",
    ),
    (
        "ui.sale.product_hint",
        "Enter menambah. 3*12 = 3 × produk nomor 12. Enter kosong atau Tab = ke PIN.",
        "Enter adds. 3*12 = 3 × product number 12. Empty Enter or Tab = go to PIN.",
    ),
    (
        "ui.sale.forbidden",
        "{product} DITOLAK",
        "{product} REFUSED",
    ),
    (
        "ui.sale.forbidden_group",
        "Tidak boleh dibeli dengan bantuan",
        "Not allowed with the aid",
    ),
    ("ui.sale.basket", "Keranjang", "Basket"),
    ("ui.sale.qty", "Jumlah", "Quantity"),
    ("ui.sale.price", "Harga", "Price"),
    ("ui.sale.line_total", "Subtotal", "Line total"),
    ("ui.sale.remove", "Hapus baris", "Remove the line"),
    ("ui.sale.remove_x", "X", "X"),
    ("ui.sale.need_kpm", "pilih KPM dulu", "choose a KPM first"),
    (
        "ui.sale.need_reason",
        "isi alasan harga di atas harga acuan",
        "give a reason for the price above the reference",
    ),
    (
        "ui.sale.need_pin",
        "KPM belum mengetik PIN",
        "the KPM has not typed their PIN",
    ),
    ("ui.sale.saving", "menyimpan…", "saving…"),
    (
        "ui.sale.override",
        "Alasan harga di atas acuan",
        "Reason for the price above reference",
    ),
    (
        "ui.sale.pin",
        "PIN KPM (diketik oleh KPM)",
        "KPM PIN (typed by the KPM)",
    ),
    ("ui.sale.save", "Simpan", "Save"),
    ("ui.sale.cancel", "Batal", "Cancel"),
    (
        "ui.sale.cannot_save",
        "Belum bisa disimpan: {reason}",
        "Cannot save yet: {reason}",
    ),
    (
        "ui.history.card",
        "Kartu KPM (boleh kosong)",
        "KPM card (optional)",
    ),
    (
        "ui.history.day",
        "Tanggal (TTTT-BB-HH)",
        "Date (YYYY-MM-DD)",
    ),
    ("ui.history.show", "Tampilkan", "Show"),
    (
        "ui.history.empty",
        "Tidak ada entri untuk saringan ini.",
        "No entries for this filter.",
    ),
    (
        "ui.history.pick",
        "Pilih entri untuk melihat rinciannya.",
        "Pick an entry to see its details.",
    ),
    ("ui.history.note", "Keterangan", "Note"),
    ("ui.history.refers", "Mengacu ke", "Refers to"),
    ("ui.history.voided_col", "Dibatalkan oleh", "Voided by"),
    ("ui.history.voided_by", "dibatalkan #{seq}", "voided #{seq}"),
    ("ui.history.reprint", "Cetak ulang", "Reprint"),
    ("ui.history.void", "Batalkan", "Void"),
    (
        "ui.history.void_title",
        "Pembatalan perlu PIN supervisor dan alasan",
        "A void needs a supervisor PIN and a reason",
    ),
    (
        "ui.history.void_reason",
        "Alasan pembatalan",
        "Reason for the void",
    ),
    (
        "ui.history.supervisor_pin",
        "PIN supervisor",
        "Supervisor PIN",
    ),
    (
        "ui.history.void_confirm",
        "Batalkan transaksi",
        "Void the sale",
    ),
    (
        "ui.history.voided",
        "Transaksi #{sale} dibatalkan ({amount}); entri pembalik #{seq}",
        "Sale #{sale} voided ({amount}); reversal entry #{seq}",
    ),
    ("ui.day.refresh", "Perbarui laporan X", "Refresh X report"),
    ("ui.day.close", "Tutup hari (Z)", "Close the day (Z)"),
    (
        "ui.day.confirm",
        "Tutup hari sekarang? Laporan Z dicatat di ledger dan batch disegel.",
        "Close the day now? The Z report is recorded in the ledger and a batch is sealed.",
    ),
    ("ui.day.confirm_yes", "Ya, tutup hari", "Yes, close the day"),
    (
        "ui.day.closed",
        "Hari ditutup: entri #{seq}",
        "Day closed: entry #{seq}",
    ),
    ("ui.complaint.card", "Kartu KPM", "KPM card"),
    (
        "ui.complaint.sale",
        "No. transaksi (boleh kosong)",
        "Sale no. (optional)",
    ),
    (
        "ui.complaint.category",
        "Jenis pengaduan",
        "Kind of complaint",
    ),
    ("ui.complaint.text", "Isi pengaduan", "Complaint"),
    ("ui.complaint.save", "Simpan pengaduan", "Save complaint"),
    (
        "ui.complaint.supervisor_only",
        "Daftar pengaduan hanya untuk supervisor.",
        "Only a supervisor sees the list of complaints.",
    ),
    (
        "ui.complaint.list",
        "Pengaduan tercatat",
        "Complaints recorded",
    ),
    (
        "ui.audit.intro",
        "Periksa salinan ledger (misalnya dari flashdisk). Berkas hanya dibaca, tidak pernah diubah.",
        "Check a copy of a ledger (from a USB stick, say). The file is only read, never changed.",
    ),
    ("ui.audit.path", "Berkas ledger", "Ledger file"),
    (
        "ui.audit.copy_intro",
        "Salinan audit terminal ini untuk dibawa pengawas: semua entri bertanda tangan, tanpa verifier PIN. Bawa salinan ini, jangan berkas ledger aslinya.",
        "This terminal's audit copy for a supervisor to take away: every signed entry, no PIN verifiers. Take this copy, never the ledger file itself.",
    ),
    ("ui.audit.copy_to", "Tulis salinan ke", "Write the copy to"),
    (
        "ui.audit.copy_run",
        "Tulis salinan audit",
        "Write audit copy",
    ),
    (
        "ui.audit.copy_done",
        "Salinan audit {path}: {entries} entri, {removed} verifier PIN dihapus",
        "Audit copy {path}: {entries} entries, {removed} PIN verifiers removed",
    ),
    (
        "ui.audit.all_signatures",
        "Periksa juga tanda tangan setiap transaksi",
        "Also check every sale's signature",
    ),
    ("ui.audit.run", "Periksa", "Check"),
    ("ui.audit.table", "Tabel", "Table"),
    ("ui.audit.detail", "Temuan", "Finding"),
    ("ui.settings.language", "Bahasa", "Language"),
    ("ui.settings.theme", "Tampilan", "Theme"),
    // Each language is named in itself, so it can be found whatever is shown now.
    (
        "ui.settings.lang_id",
        "Bahasa Indonesia",
        "Bahasa Indonesia",
    ),
    ("ui.settings.lang_en", "English", "English"),
    ("ui.settings.paper58", "58 mm", "58 mm"),
    ("ui.settings.paper80", "80 mm", "80 mm"),
    ("ui.settings.light", "Terang", "Light"),
    ("ui.settings.dark", "Gelap", "Dark"),
    ("ui.settings.paper", "Kertas struk", "Receipt paper"),
    (
        "ui.settings.printer",
        "Printer (perangkat atau berkas)",
        "Printer (device or file)",
    ),
    (
        "ui.settings.supervisor_only",
        "Kertas dan printer hanya bisa diubah supervisor.",
        "Only a supervisor can change the paper and printer.",
    ),
    (
        "ui.settings.terminal",
        "Identitas terminal",
        "Terminal identity",
    ),
    ("ui.settings.zone", "Zona waktu", "Time zone"),
    ("ui.settings.fingerprint", "Sidik kunci", "Key fingerprint"),
    ("ui.settings.public_key", "Kunci publik", "Public key"),
    ("ui.settings.ledger", "Berkas ledger", "Ledger file"),
    ("ui.settings.versions", "Versi berlaku", "Versions in force"),
    ("ui.settings.policy", "kebijakan", "policy"),
    ("ui.settings.catalogue", "katalog", "catalogue"),
    ("ui.settings.roster", "daftar KPM", "roster"),
    ("ui.settings.kpm_count", "Jumlah KPM", "KPM count"),
];

/// Help text for clap, from the translation table: Indonesian, then English.
pub fn help(key: TextKey) -> String {
    format!("{} / {}", tr(Lang::Id, key), tr(Lang::En, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_when_echoed() {
        assert_eq!(echo("6032980000000011"), "6032980000000011");
        let long = "x".repeat(128 * 1024);
        let shown = echo(&long);
        assert!(shown.starts_with(&"x".repeat(ECHO_CHARS)));
        assert!(shown.ends_with(&format!("(+{})", 128 * 1024 - ECHO_CHARS)));
        assert!(shown.len() < 80);
        // Cut on characters, never inside one.
        assert_eq!(
            echo(&"é".repeat(50)).chars().filter(|c| *c == 'é').count(),
            ECHO_CHARS
        );
    }
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<&str> {
        s.split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn table_has_unique_keys_and_matching_placeholders() {
        let mut seen = BTreeSet::new();
        for (key, id, en) in TABLE {
            assert!(seen.insert(*key), "duplicate key {key}");
            assert!(!id.is_empty() && !en.is_empty(), "{key} has an empty text");
            assert_eq!(
                placeholders(id),
                placeholders(en),
                "{key}: placeholders differ"
            );
        }
    }

    /// Keys written in the code are checked when it compiles (`key!`). Keys put together at run
    /// time are checked here, family by family, over every member: the entry kinds here, roles
    /// and complaint categories in the ledger's tests.
    #[test]
    fn every_entry_kind_has_a_name() {
        for kind in crate::seal::EntryKind::ALL {
            let key = format!("kind.{}", kind.as_str());
            assert!(TextKey::runtime(&key).is_some(), "{key}");
        }
    }

    #[test]
    fn keys_are_checked_at_run_time_too() {
        assert!(has_key("rcpt.saved"));
        assert!(!has_key("rcpt.no_such_key"));
        assert_eq!(TextKey::runtime("rcpt.saved"), Some(key!("rcpt.saved")));
        assert_eq!(TextKey::runtime("rcpt.no_such_key"), None);
        assert_eq!(tr_runtime(Lang::En, "rcpt.no_such_key"), "rcpt.no_such_key");
        assert_eq!(tr_runtime(Lang::En, "rcpt.saved"), "Saved");
    }

    /// `english_display!` gives an error type the English text of its `Localize`.
    #[test]
    fn english_display_is_the_english_localization() {
        use crate::domain::MoneyError;
        for e in [MoneyError::Negative, MoneyError::Overflow] {
            assert_eq!(e.to_string(), e.localize(Lang::En));
            assert_ne!(e.to_string(), e.localize(Lang::Id));
        }
    }

    #[test]
    fn lookup_and_fill() {
        assert_eq!(tr(Lang::Id, key!("rcpt.saved")), "Tersimpan");
        assert_eq!(tr(Lang::En, key!("rcpt.saved")), "Saved");
        assert_eq!(
            trf(Lang::En, key!("cli.complaint_done"), &[("seq", &7)]),
            "Complaint recorded as entry 7"
        );
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
    }
}
