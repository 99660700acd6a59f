//! Tables laid out for a terminal before the HTML becomes text: a table whose columns fit the
//! width becomes aligned columns; a wider one becomes `label: value` lines, one block per row;
//! a layout table (one column, or cells of prose) becomes its cells' paragraphs. No word is
//! ever cut inside a cell.

use dom_query::{Document, Selection};

use super::escape_xml;
use super::wrap::width as text_width;

/// Two spaces between aligned columns.
const GAP: usize = 2;

/// Replaces every table of the document, innermost first, by HTML laid out for `width`.
pub fn lay_out(doc: &Document, width: usize) {
    // Inner tables first, so an outer (layout) table sees their laid-out text.
    let tables: Vec<Selection> = doc.select("table").iter().collect();
    for table in tables.into_iter().rev() {
        let html = layout(&table, width);
        table.replace_with_html(html);
    }
}

fn cell_text(cell: &Selection) -> String {
    cell.text().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn layout(table: &Selection, width: usize) -> String {
    let rows: Vec<Vec<String>> = table
        .select("tr")
        .iter()
        .map(|tr| {
            tr.select("th, td")
                .iter()
                .map(|c| cell_text(&c))
                .collect::<Vec<_>>()
        })
        .filter(|r: &Vec<String>| r.iter().any(|c| !c.is_empty()))
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let prose = rows.iter().flatten().any(|c| c.split_whitespace().count() > 25);
    if columns <= 1 || prose {
        // A layout table: its cells are the content.
        return table
            .select("th, td")
            .iter()
            .map(|c| format!("<div>{}</div>", c.inner_html()))
            .collect();
    }
    let mut widths = vec![0usize; columns];
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(text_width(c));
        }
    }
    let total: usize = widths.iter().sum::<usize>() + GAP * (columns - 1);
    if total <= width {
        let mut out = String::from("<pre>");
        for r in &rows {
            let mut line = String::new();
            for (i, w) in widths.iter().enumerate() {
                let c = r.get(i).map_or("", String::as_str);
                line.push_str(c);
                if i + 1 < columns {
                    line.push_str(&" ".repeat(w - text_width(c) + GAP));
                }
            }
            out.push_str(&escape_xml(line.trim_end()));
            out.push('\n');
        }
        out.push_str("</pre>");
        return out;
    }
    // Too wide for columns: each row a block of `header: value` lines (or the cells in turn).
    let header = table
        .select("tr")
        .iter()
        .next()
        .filter(|tr| tr.select("th").exists());
    let labels: Vec<String> = header
        .map(|h| h.select("th, td").iter().map(|c| cell_text(&c)).collect())
        .unwrap_or_default();
    let body = if labels.is_empty() {
        &rows[..]
    } else {
        &rows[1.min(rows.len())..]
    };
    let mut out = String::new();
    for r in body {
        out.push_str("<p>");
        for (i, c) in r.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            match labels.get(i).filter(|l| !l.is_empty()) {
                Some(l) => out.push_str(&format!("<b>{}</b>: {}<br>", escape_xml(l), escape_xml(c))),
                None => out.push_str(&format!("{}<br>", escape_xml(c))),
            }
        }
        out.push_str("</p>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::render::render_html;

    fn lines(html: &str, width: usize) -> Vec<String> {
        render_html(html, None, width)
            .lines
            .iter()
            .map(|l| l.text().trim_end().to_string())
            .collect()
    }

    #[test]
    fn a_narrow_table_is_aligned_columns() {
        let html = "<table><tr><th>City</th><th>Rain</th></tr><tr><td>Wellington</td><td>1 249 mm</td></tr>\
                    <tr><td>Oslo</td><td>763 mm</td></tr></table>";
        let l = lines(html, 60);
        assert!(l.contains(&"City        Rain".to_string()), "{l:#?}");
        assert!(l.contains(&"Wellington  1 249 mm".to_string()), "{l:#?}");
        assert!(l.contains(&"Oslo        763 mm".to_string()), "{l:#?}");
    }

    #[test]
    fn a_wide_table_becomes_label_value_rows_and_no_word_is_cut() {
        let html = "<table><tr><th>Station</th><th>Description</th><th>Annual rainfall</th></tr>\
                    <tr><td>Wellington</td><td>A windy harbour city on the southern tip of the North Island</td><td>1 249 mm</td></tr></table>";
        let l = lines(html, 40);
        let text = l.join("\n");
        assert!(text.contains("Station: Wellington"), "{text}");
        assert!(text.contains("Annual rainfall: 1 249 mm"), "{text}");
        for word in ["Wellington", "southern", "harbour"] {
            assert!(text.contains(word), "{word} was cut: {text}");
        }
        assert!(!text.contains('│'), "{text}");
    }

    #[test]
    fn a_layout_table_is_its_paragraphs() {
        let prose = "This is a long paragraph of article text that happens to sit in a table cell, \
                     as old pages laid themselves out, and it must read as prose.";
        let html = format!("<table><tr><td><p>{prose}</p></td><td><p>{prose}</p></td></tr></table>");
        let text = lines(&html, 50).join(" ");
        assert!(text.contains("it must read as prose"), "{text}");
        assert!(!text.contains('│'), "{text}");
    }
}
