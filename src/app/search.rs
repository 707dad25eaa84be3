//! Roster search for the counter: by card number, NIK, name or desa, fast enough to run on every
//! keystroke over 100,000 KPM (see `benches/gui.rs` and `docs/performance.md`).

use ewarong_ledger::KpmSummary;

/// The roster held in memory for search. Built once when the terminal opens.
#[derive(Debug, Default)]
pub struct RosterIndex {
    kpm: Vec<KpmSummary>,
    /// One lowercase line per KPM, `name|desa|card|nik`, all in one buffer for cache-friendly scans.
    text: String,
    /// Where each KPM's line starts in `text`; one more entry marks the end.
    starts: Vec<usize>,
}

/// How many ranks a hit can have.
const RANKS: usize = 4;

/// The rank of a card that ends with the digits typed.
pub const SUFFIX: u8 = 1;

/// A search hit: the KPM and how well it matched (lower is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'a> {
    pub kpm: &'a KpmSummary,
    pub rank: u8,
}

impl RosterIndex {
    pub fn new(kpm: Vec<KpmSummary>) -> Self {
        let mut text = String::with_capacity(kpm.len().saturating_mul(64));
        let mut starts = Vec::with_capacity(kpm.len().saturating_add(1));
        for k in &kpm {
            starts.push(text.len());
            text.push_str(&k.name.to_lowercase());
            text.push('|');
            text.push_str(&k.desa.to_lowercase());
            text.push('|');
            text.push_str(&k.card);
            text.push('|');
            text.push_str(k.nik.as_deref().unwrap_or(""));
            text.push('\n');
        }
        starts.push(text.len());
        Self { kpm, text, starts }
    }

    pub fn len(&self) -> usize {
        self.kpm.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kpm.is_empty()
    }

    /// The KPM whose every query word appears in their name, desa, card or NIK. Exact card or NIK
    /// matches come first (rank 0), then cards that end with the first word (rank 1: the last
    /// digits printed on a card are how a shopkeeper types it), then names starting with it
    /// (rank 2), then the rest (rank 3), each in roster order. At most `limit` hits.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit<'_>> {
        let query = query.trim().to_lowercase();
        let words: Vec<&str> = query.split_whitespace().collect();
        let Some(first) = words.first() else {
            return Vec::new();
        };
        // Candidates come from scanning the whole buffer for the rarest-looking (longest) word
        // once, instead of testing every KPM line by line.
        let Some(longest) = words.iter().max_by_key(|w| w.len()) else {
            return Vec::new();
        };
        // Roster order within each rank, and the scan runs in roster order: keep at most
        // `limit` per rank and stop once the best rank is full.
        let mut ranks: [Vec<usize>; RANKS] = Default::default();
        let mut last_row = usize::MAX;
        let finder = memchr::memmem::Finder::new(longest.as_bytes());
        for at in finder.find_iter(self.text.as_bytes()) {
            let row = self.starts.partition_point(|s| *s <= at).saturating_sub(1);
            if row == last_row {
                continue;
            }
            last_row = row;
            let (Some(&start), Some(&end)) =
                (self.starts.get(row), self.starts.get(row.saturating_add(1)))
            else {
                continue;
            };
            let line = self.text.get(start..end).unwrap_or("");
            if words.len() > 1 && !words.iter().all(|w| line.contains(w)) {
                continue;
            }
            let Some(k) = self.kpm.get(row) else { continue };
            let rank = if k.card == *first || k.nik.as_deref() == Some(first) {
                0
            } else if k.card.ends_with(first) {
                usize::from(SUFFIX)
            } else if line.starts_with(first) {
                2
            } else {
                3
            };
            if let Some(r) = ranks.get_mut(rank)
                && r.len() < limit
            {
                r.push(row);
            }
            if ranks[0].len() >= limit {
                break;
            }
        }
        let mut hits: Vec<(u8, usize)> = ranks
            .iter()
            .zip(0u8..)
            .flat_map(|(rows, rank)| rows.iter().map(move |&row| (rank, row)))
            .collect();
        hits.sort_by_key(|&(rank, row)| (rank, row));
        hits.truncate(limit);
        hits.into_iter()
            .filter_map(|(rank, row)| self.kpm.get(row).map(|kpm| Hit { kpm, rank }))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kpm(card: &str, nik: Option<&str>, name: &str, desa: &str) -> KpmSummary {
        KpmSummary {
            card: card.into(),
            nik: nik.map(Into::into),
            kk: "5302010101010001".into(),
            name: name.into(),
            desa: desa.into(),
        }
    }

    fn index() -> RosterIndex {
        RosterIndex::new(vec![
            kpm(
                "6013010000000001",
                Some("5302014107800001"),
                "Maria Ndapa",
                "Kambera",
            ),
            kpm("6013010000000019", None, "Yohanes Ndapa", "Prailiu"),
            kpm(
                "6013010000000027",
                Some("5302010107800003"),
                "Andreas Maria",
                "Kambera",
            ),
        ])
    }

    fn cards(hits: &[Hit<'_>]) -> Vec<String> {
        hits.iter().map(|h| h.kpm.card.clone()).collect()
    }

    #[test]
    fn finds_by_each_field_and_ranks() {
        let ix = index();
        assert_eq!(cards(&ix.search("ndapa", 10)).len(), 2);
        // "maria" starts one name and ends another: the name that starts with it comes first.
        assert_eq!(
            cards(&ix.search("MARIA", 10)),
            ["6013010000000001", "6013010000000027"]
        );
        assert_eq!(cards(&ix.search("prailiu", 10)), ["6013010000000019"]);
        assert_eq!(
            cards(&ix.search("6013010000000027", 10)),
            ["6013010000000027"]
        );
        assert_eq!(ix.search("6013010000000027", 10)[0].rank, 0);
        assert_eq!(
            cards(&ix.search("5302010107800003", 10)),
            ["6013010000000027"]
        );
        // All words must match, in any field.
        assert_eq!(cards(&ix.search("maria kambera", 10)).len(), 2);
        assert_eq!(cards(&ix.search("yohanes kambera", 10)).len(), 0);
    }

    #[test]
    fn a_card_that_ends_with_the_digits_comes_before_one_that_only_contains_them() {
        let ix = RosterIndex::new(vec![
            kpm("6032980000001091", None, "Anastasia Ndapa", "Kambera"),
            kpm("6032980000000010", None, "Rosalina Lakilu", "Watumbaka"),
            kpm("6032980000010010", None, "Yakobus Hama", "Prailiu"),
        ]);
        let hits = ix.search("0010", 10);
        assert_eq!(
            cards(&hits),
            ["6032980000000010", "6032980000010010", "6032980000001091"]
        );
        assert_eq!(
            hits.iter().map(|h| h.rank).collect::<Vec<_>>(),
            [SUFFIX, SUFFIX, 3]
        );
        assert_eq!(cards(&ix.search("1091", 10)), ["6032980000001091"]);
    }

    #[test]
    fn limits_and_empty_queries() {
        let ix = index();
        assert_eq!(ix.search("a", 1).len(), 1);
        assert!(ix.search("   ", 10).is_empty());
        assert!(ix.search("zzz", 10).is_empty());
    }
}
