//! Receipts and reports for paper: ESC/POS bytes for 58 mm and 80 mm thermal printers, and PDF.

use ewarong_core::key;
use std::io::Write;
use std::path::Path;

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use super::prefs::Paper;
use ewarong_core::i18n::{Lang, tr};
use ewarong_ledger::{DayReport, SavedSale};

/// How a document leaves the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintFormat {
    /// Raw ESC/POS for a thermal printer (device path or file).
    EscPos,
    Pdf,
}

/// A receipt or report laid out for one paper width: text lines, and a QR code to print below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub paper: Paper,
    pub lines: Vec<String>,
    pub qr: Option<String>,
}

impl Document {
    /// A sale receipt. A reprint (`copy`) says SALINAN at the top.
    pub fn sale(r: &SavedSale, lang: Lang, paper: Paper, copy: bool) -> Self {
        let mut lines = Vec::new();
        if copy {
            lines.push(crate::struk::center(
                &format!("*** {} ***", tr(lang, key!("rcpt.copy"))),
                paper.columns(),
            ));
        }
        lines.extend(
            crate::struk::sale_text(r, lang, paper.columns())
                .lines()
                .map(str::to_owned),
        );
        Self {
            paper,
            lines: wrap(lines, paper.columns()),
            qr: r.receipt_code.clone(),
        }
    }

    /// An X or Z report.
    pub fn report(
        r: &DayReport,
        group_name: impl Fn(&str) -> String,
        lang: Lang,
        paper: Paper,
    ) -> Self {
        Self {
            paper,
            lines: wrap(
                crate::struk::day_report_text(r, group_name, lang, paper.columns())
                    .lines()
                    .map(str::to_owned),
                paper.columns(),
            ),
            qr: None,
        }
    }
}

/// Printers here take plain ASCII in their default code page. The few other characters the
/// receipts use get their nearest ASCII; anything else becomes `?`.
fn ascii(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            c if c.is_ascii() => c as u8,
            '•' => b'*',
            '·' => b'.',
            '–' | '—' => b'-',
            '×' => b'x',
            _ => b'?',
        })
        .collect()
}

/// Breaks lines longer than the paper at spaces (or hard, for a word longer than a line).
fn wrap(lines: impl IntoIterator<Item = String>, columns: usize) -> Vec<String> {
    let columns = columns.max(1);
    let mut out = Vec::new();
    for line in lines {
        if line.chars().count() <= columns {
            out.push(line);
            continue;
        }
        let mut current = String::new();
        for word in line.split(' ') {
            let needed = current
                .chars()
                .count()
                .saturating_add(word.chars().count())
                .saturating_add(1);
            if !current.is_empty() && needed > columns {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
            while current.chars().count() > columns {
                let head: String = current.chars().take(columns).collect();
                current = current.chars().skip(columns).collect();
                out.push(head);
            }
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

const ESC: u8 = 0x1b;
const GS: u8 = 0x1d;

/// ESC/POS bytes: initialise, the lines, the QR code (model 2, error correction M), feed, cut.
pub fn escpos(doc: &Document) -> Vec<u8> {
    let mut out = vec![ESC, b'@'];
    for line in &doc.lines {
        out.extend(ascii(line));
        out.push(b'\n');
    }
    if let Some(code) = &doc.qr {
        let data = ascii(code);
        // GS ( k store: pL pH count the 3 bytes `cn fn m` plus the data.
        let len = data.len().saturating_add(3);
        let (pl, ph) = (
            u8::try_from(len & 0xff).unwrap_or(0),
            u8::try_from(len >> 8).unwrap_or(0),
        );
        // As large as the paper takes: 4 dots (0.5 mm) for a usual code on 58 mm, smaller
        // only for a basket so long that its code would not fit otherwise.
        let (dots, largest) = match doc.paper {
            Paper::Mm58 => (384, 4),
            Paper::Mm80 => (576, 6),
        };
        let module = crate::struk::qr_modules(code).map_or(largest, |(modules, _)| {
            crate::struk::qr_module_dots(dots, modules).min(largest)
        });
        out.extend([ESC, b'a', 1]); // centre
        out.extend([GS, b'(', b'k', 4, 0, 49, 65, 50, 0]); // model 2
        out.extend([GS, b'(', b'k', 3, 0, 49, 67, module]); // module size
        out.extend([GS, b'(', b'k', 3, 0, 49, 69, 49]); // error correction M
        out.extend([GS, b'(', b'k', pl, ph, 49, 80, 48]);
        out.extend(data);
        out.extend([GS, b'(', b'k', 3, 0, 49, 81, 48]); // print
        out.extend([ESC, b'a', 0]); // left
        out.push(b'\n');
    }
    out.extend([ESC, b'd', 4]); // feed 4 lines
    out.extend([GS, b'V', 66, 0]); // partial cut
    out
}

/// A one-page PDF as wide as the paper, in Courier (a standard PDF font: nothing embedded),
/// with the QR code drawn as squares.
pub fn pdf(doc: &Document) -> Vec<u8> {
    let margin = 6.0_f32;
    let width = doc.paper.width_pt();
    let cols = doc.paper.columns() as f32;
    // Courier advances 0.6 em per character.
    let size = (width - 2.0 * margin) / (cols * 0.6);
    let leading = size * 1.25;
    let qr = doc
        .qr
        .as_deref()
        .and_then(|c| crate::struk::qr_modules(c).ok());
    let qr_side = width * 0.7;
    let text_height = leading * doc.lines.len() as f32;
    let height = margin * 3.0 + text_height + if qr.is_some() { qr_side } else { 0.0 };

    let catalog = Ref::new(1);
    let pages = Ref::new(2);
    let page = Ref::new(3);
    let font = Ref::new(4);
    let content_id = Ref::new(5);
    let font_name = Name(b"F1");
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, width, height));
    p.parent(pages);
    p.contents(content_id);
    p.resources().fonts().pair(font_name, font);
    p.finish();
    pdf.type1_font(font)
        .base_font(Name(b"Courier"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));

    let mut c = Content::new();
    c.begin_text();
    c.set_font(font_name, size);
    c.set_leading(leading);
    c.next_line(margin, height - margin - size);
    for line in &doc.lines {
        c.show(Str(&ascii(line)));
        c.next_line_using_leading();
    }
    c.end_text();
    if let Some((n, dark)) = qr {
        let cell = qr_side / n.max(1) as f32;
        let left = (width - qr_side) / 2.0;
        let top = margin + qr_side;
        c.set_fill_gray(0.0);
        for (row, cells) in dark.chunks(n.max(1)).enumerate() {
            for (col, d) in cells.iter().enumerate() {
                if *d {
                    let (row, col) = (row as f32, col as f32);
                    c.rect(left + col * cell, top - (row + 1.0) * cell, cell, cell);
                }
            }
        }
        c.fill_nonzero();
    }
    pdf.stream(content_id, &c.finish());
    pdf.finish()
}

/// Writes bytes to a printer device or a file, and flushes them to it.
pub fn write_to(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = target.parent()
        && !dir.as_os_str().is_empty()
        && !dir.exists()
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(target)?;
    f.write_all(bytes)?;
    f.flush()?;
    f.sync_all().or_else(|e| {
        // A printer device cannot always fsync; the bytes were written all the same.
        if e.kind() == std::io::ErrorKind::InvalidInput {
            Ok(())
        } else {
            Err(e)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(paper: Paper, qr: Option<&str>) -> Document {
        Document {
            paper,
            lines: vec![
                "STRUK e-WARONG".into(),
                "Beras medium 5 kg".into(),
                "Total Rp 72.500".into(),
            ],
            qr: qr.map(Into::into),
        }
    }

    #[test]
    fn escpos_has_init_text_qr_and_cut() {
        let code = "EWR1.demo-01.7.abc";
        let b = escpos(&doc(Paper::Mm58, Some(code)));
        assert_eq!(&b[..2], &[ESC, b'@']);
        let text = String::from_utf8_lossy(&b);
        assert!(text.contains("Beras medium 5 kg\nTotal Rp 72.500\n"));
        // The QR store command carries the code with its length (+3) in pL pH.
        let store = [GS, b'(', b'k', (code.len() + 3) as u8, 0, 49, 80, 48];
        let at = b.windows(store.len()).position(|w| w == store).unwrap();
        assert_eq!(
            &b[at + store.len()..at + store.len() + code.len()],
            code.as_bytes()
        );
        assert_eq!(&b[b.len() - 4..], &[GS, b'V', 66, 0]);
        // No QR commands without a code.
        let plain = escpos(&doc(Paper::Mm80, None));
        assert!(!plain.windows(3).any(|w| w == [GS, b'(', b'k']));
    }

    #[test]
    fn non_ascii_prints_as_its_nearest_ascii_or_a_question_mark() {
        let mut d = doc(Paper::Mm58, None);
        d.lines = vec!["6032 98•• 0010 · 2 × Rp 1.000 é".into()];
        let b = escpos(&d);
        assert!(String::from_utf8_lossy(&b).contains("6032 98** 0010 . 2 x Rp 1.000 ?\n"));
    }

    #[test]
    fn long_lines_wrap_to_the_paper() {
        let lines = wrap(
            [
                "Pengaduan: SMS 1708, lapor.go.id, telepon 171".to_owned(),
                "short".into(),
            ],
            32,
        );
        assert_eq!(
            lines,
            ["Pengaduan: SMS 1708,", "lapor.go.id, telepon 171", "short"]
        );
        assert_eq!(
            wrap(["x".repeat(70)], 32)
                .iter()
                .map(String::len)
                .collect::<Vec<_>>(),
            [32, 32, 6]
        );
        for l in &wrap(["a b ".repeat(40)], 32) {
            assert!(l.chars().count() <= 32, "{l}");
        }
    }

    #[test]
    fn pdf_is_a_page_as_wide_as_the_paper_with_the_text() {
        for paper in [Paper::Mm58, Paper::Mm80] {
            let b = pdf(&doc(paper, Some("EWR1.demo-01.7.abc")));
            let text = String::from_utf8_lossy(&b);
            assert!(text.starts_with("%PDF-"));
            assert!(text.contains("(Total Rp 72.500) Tj"), "{text}");
            assert!(text.contains("/BaseFont /Courier"));
            assert!(text.contains(&format!("/MediaBox [0 0 {}", paper.width_pt())));
            assert!(text.trim_end().ends_with("%%EOF"));
            // QR squares are drawn as rectangles and filled.
            assert!(text.matches(" re\n").count() > 100);
        }
    }

    #[test]
    fn write_to_creates_the_file_and_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("export/struk.pdf");
        write_to(&target, b"%PDF-1.7").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"%PDF-1.7");
    }
}
