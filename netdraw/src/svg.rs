//! Writing a checked drawing as SVG: the network from its bottom layer up,
//! then a legend of what it uses.

use std::fmt::Write as _;

use crate::layout::{NAME_LINE, NAME_SIZE, TEXT_LINE, TEXT_SIZE, box_text, frame_label, length};
use crate::layout::{label_place, pieces, text_at, text_width};
use crate::{Drawing, Kind, LEGEND, Legend, Look, Node, Point, Rect, STACK_DRAWN, STACK_STEP};

/// Colours: lines and text, new things, shared data, what is outside, TCP.
const INK: &str = "#2d3748";
const NEW_FILL: &str = "#ffdf9e";
const NEW_GLOW: &str = "#ffd27a";
const DATA_FILL: &str = "#e3eefb";
const OUTSIDE_INK: &str = "#5a6778";
const NET_INK: &str = "#2b6cb0";

/// Width of a box's outline; a process's is a thick line that a thin one
/// in the fill colour splits in two.
const OUTLINE: f64 = 1.5;
const DOUBLE: f64 = 4.5;

/// Length of an arrowhead, and its half width.
const HEAD: (f64, f64) = (10.0, 4.5);

/// The height of one row of the legend, the width of an entry's sample, and
/// the gap after an entry's text.
const LEGEND_ROW: f64 = 24.0;
const SAMPLE: f64 = 30.0;
const LEGEND_GAP: f64 = 22.0;

/// The whole SVG of a checked drawing whose arrows take `paths`.
pub(crate) fn svg(drawing: &Drawing, paths: &[Vec<Point>]) -> String {
    let legend = legend_items(drawing);
    let columns = legend_columns(drawing.canvas.w, &legend);
    let rows = legend.len().div_ceil(columns.len().max(1));
    let height = drawing.canvas.h + if rows == 0 { 0.0 } else { 12.0 + LEGEND_ROW * rows as f64 };
    let (width, height, title) = (num(drawing.canvas.w), num(height), escape(&drawing.title));
    // Generic font families, so that it renders offline; text on lines gets
    // a white edge, so that it stays legible where it meets one.
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="title">
<title id="title">{title}</title>
<style>
text {{ font-family: sans-serif; font-size: {TEXT_SIZE}px; fill: #1a202c; }}
.name {{ font-weight: bold; font-size: {NAME_SIZE}px; }}
.code {{ font-family: monospace; }}
.label {{ paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }}
.muted {{ fill: #4a5568; }}
.paper {{ fill: #ffffff; }}
</style>
<rect class="paper" x="0" y="0" width="{width}" height="{height}" rx="6"/>
"#
    );
    // From the bottom layer up: what is new glows under everything, frames
    // lie under boxes, text is on top.
    for (_, path) in drawing.arrows.iter().zip(paths).filter(|(arrow, _)| arrow.new) {
        let _ = writeln!(
            out,
            r#"<path d="{}" fill="none" stroke="{NEW_GLOW}" stroke-width="9" stroke-linecap="round" stroke-linejoin="round"/>"#,
            path_data(path)
        );
    }
    let (frames, boxes): (Vec<&Node>, Vec<&Node>) =
        drawing.nodes.iter().partition(|node| node.look == Look::Frame);
    for node in frames.into_iter().chain(boxes) {
        draw_node(&mut out, node);
    }
    for (arrow, path) in drawing.arrows.iter().zip(paths) {
        draw_arrow(&mut out, arrow.kind, path);
    }
    for (arrow, path) in drawing.arrows.iter().zip(paths) {
        let (rect, centred) = label_place(arrow, path);
        draw_lines(&mut out, &arrow.lines, rect, centred, "label");
    }
    for note in &drawing.notes {
        draw_lines(&mut out, &note.lines, text_at(note.at, &note.lines), false, "label");
    }
    // The legend, under the drawing and a thin line, in rows and columns.
    if rows > 0 {
        let top = drawing.canvas.h + 6.0;
        let rule = [Point { x: 10.0, y: top }, Point { x: drawing.canvas.w - 10.0, y: top }];
        let rule = path_data(&rule);
        let _ = writeln!(out, r##"<path d="{rule}" stroke="#d5dbe3" stroke-width="1"/>"##);
        for (index, (entry, text)) in legend.iter().enumerate() {
            let left = &columns[..index % columns.len()];
            let x = left.iter().fold(10.0, |x, column| x + (column + LEGEND_GAP));
            let middle = top + 6.0 + LEGEND_ROW * ((index / columns.len()) as f64 + 0.5);
            draw_sample(&mut out, *entry, x, middle);
            write_text(&mut out, text, x + SAMPLE + 6.0, middle + TEXT_SIZE * 0.36, false, "");
        }
    }
    out + "</svg>\n"
}

/// A box, every instance of a stack, and its text; or a frame and its label.
fn draw_node(out: &mut String, node: &Node) {
    let (fill, radius) = match node.look {
        Look::Data => (DATA_FILL, 12.0),
        Look::Frame => ("none", 10.0),
        Look::Thread | Look::Outside | Look::Process => ("#ffffff", 3.0),
    };
    let fill = if node.new { NEW_FILL } else { fill };
    for layer in (0..node.layers.min(STACK_DRAWN)).rev() {
        let shift = STACK_STEP * f64::from(layer);
        let r = Rect { x: node.rect.x + shift, y: node.rect.y - shift, ..node.rect };
        outline(out, r, node.look, fill, radius);
    }
    if node.look == Look::Frame {
        return draw_lines(out, &node.lines, frame_label(node), false, "muted");
    }
    let top = node.rect.y + node.rect.h / 2.0 - box_text(&node.lines).1 / 2.0;
    let muted = if node.look == Look::Outside { " muted" } else { "" };
    let (x, name) = (node.rect.x + node.rect.w / 2.0, top + NAME_LINE / 2.0 + NAME_SIZE * 0.36);
    write_text(out, &node.lines[0], x, name, true, &format!("name{muted}"));
    draw_lines(out, &node.lines[1..], Rect { y: top + NAME_LINE, ..node.rect }, true, muted.trim());
}

/// One outline of a box or frame of `look`.
fn outline(out: &mut String, r: Rect, look: Look, fill: &str, radius: f64) {
    let (stroke, dash) = match look {
        Look::Outside => (OUTSIDE_INK, r#" stroke-dasharray="5 3""#),
        Look::Frame => ("#8a96a8", r#" stroke-dasharray="7 4""#),
        Look::Thread | Look::Process | Look::Data => (INK, ""),
    };
    let width = if look == Look::Process { DOUBLE } else { OUTLINE };
    rect(out, r, radius, fill, stroke, width, dash);
    if look == Look::Process {
        rect(out, r, radius, "none", fill, OUTLINE, "");
    }
}

/// A rectangle; `extra` holds more attributes.
fn rect(out: &mut String, r: Rect, radius: f64, fill: &str, stroke: &str, width: f64, extra: &str) {
    let (x, y, w, h) = (num(r.x), num(r.y), num(r.w), num(r.h));
    let (radius, width) = (num(radius), num(width));
    let _ = writeln!(
        out,
        r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{radius}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"{extra}/>"#
    );
}

/// Lines of text in `rect`, centred or starting at its left.
fn draw_lines(out: &mut String, lines: &[String], rect: Rect, centred: bool, class: &str) {
    let x = if centred { rect.x + rect.w / 2.0 } else { rect.x };
    for (index, line) in lines.iter().enumerate() {
        let top = rect.y + TEXT_LINE * index as f64;
        write_text(out, line, x, top + TEXT_LINE / 2.0 + TEXT_SIZE * 0.36, centred, class);
    }
}

/// One line of text, its code pieces in the monospace font.
fn write_text(out: &mut String, line: &str, x: f64, y: f64, centred: bool, class: &str) {
    let anchor = if centred { r#" text-anchor="middle""# } else { "" };
    let class = if class.is_empty() { String::new() } else { format!(r#" class="{class}""#) };
    let _ = write!(out, r#"<text x="{}" y="{}"{anchor}{class}>"#, num(x), num(y));
    for (code, piece) in pieces(line) {
        let (open, close) = if code { (r#"<tspan class="code">"#, "</tspan>") } else { ("", "") };
        let _ = write!(out, "{open}{}{close}", escape(piece));
    }
    out.push_str("</text>\n");
}

/// An arrow's line, stopped short of its end, and its head.
fn draw_arrow(out: &mut String, kind: Kind, path: &[Point]) {
    let (stroke, dash) = match kind {
        Kind::Channel => (INK, ""),
        Kind::Spawn => (INK, r#" stroke-dasharray="6 4""#),
        Kind::Net => (NET_INK, ""),
        Kind::Use => (INK, r#" stroke-dasharray="2 3""#),
    };
    let [.., before, tip] = path[..] else { return };
    let along = length(before, tip);
    let unit = Point { x: (tip.x - before.x) / along, y: (tip.y - before.y) / along };
    let base = Point { x: tip.x - unit.x * HEAD.0, y: tip.y - unit.y * HEAD.0 };
    let left = Point { x: base.x - unit.y * HEAD.1, y: base.y + unit.x * HEAD.1 };
    let right = Point { x: base.x + unit.y * HEAD.1, y: base.y - unit.x * HEAD.1 };
    let line = path_data(&[&path[..path.len() - 1], &[base]].concat());
    let head = path_data(&[tip, left, right]);
    let _ = writeln!(
        out,
        r#"<path d="{line}" fill="none" stroke="{stroke}" stroke-width="1.6"{dash}/>
<path d="{head}Z" fill="{stroke}"/>"#
    );
}

/// The `d` attribute of a path through `points`.
fn path_data(points: &[Point]) -> String {
    let steps: Vec<String> =
        points.iter().map(|at| format!("{} {}", num(at.x), num(at.y))).collect();
    format!("M{}", steps.join("L"))
}

/// The legend entries the drawing uses, with their text.
fn legend_items(drawing: &Drawing) -> Vec<(Legend, String)> {
    let nodes = drawing.nodes.iter().map(|node| (Legend::Look(node.look), node.new));
    let arrows = drawing.arrows.iter().map(|arrow| (Legend::Kind(arrow.kind), arrow.new));
    let shown: Vec<(Legend, bool)> = nodes.chain(arrows).collect();
    let used =
        |entry| shown.iter().any(|&(shows, new)| shows == entry || new && entry == Legend::New);
    let items = LEGEND.iter().filter(|(entry, ..)| used(*entry));
    items
        .map(|&(entry, _, text)| {
            let renamed = drawing.renamed.iter().find(|(renamed, _)| *renamed == entry);
            (entry, renamed.map_or(text, |(_, text)| text).to_string())
        })
        .collect()
}

/// The widths of the legend's columns: as few rows as fit the width, the
/// entries in order along each row.
fn legend_columns(width: f64, items: &[(Legend, String)]) -> Vec<f64> {
    let wide = |text: &str| SAMPLE + 6.0 + text_width(text, TEXT_SIZE, false);
    let widths = |columns: usize| -> Vec<f64> {
        let column = |first| items.iter().skip(first).step_by(columns).map(|(_, text)| wide(text));
        (0..columns).map(|first| column(first).fold(0.0, f64::max)).collect()
    };
    let fits = |widths: &Vec<f64>| {
        let total = widths.iter().sum::<f64>() + LEGEND_GAP * (widths.len() - 1) as f64;
        total <= width - 20.0 || widths.len() == 1
    };
    (1..=items.len()).map(|rows| widths(items.len().div_ceil(rows))).find(fits).unwrap_or_default()
}

/// The small picture before a legend entry's text, centred on `middle`.
fn draw_sample(out: &mut String, entry: Legend, x: f64, middle: f64) {
    let swatch = Rect { x: x + 2.0, y: middle - 7.0, w: SAMPLE - 4.0, h: 14.0 };
    let (start, end) = (Point { x, y: middle }, Point { x: x + SAMPLE, y: middle });
    match entry {
        Legend::Look(Look::Data) => rect(out, swatch, 3.0, DATA_FILL, INK, OUTLINE, r#" ry="7""#),
        Legend::Look(look) => outline(out, swatch, look, "#ffffff", 3.0),
        Legend::New => rect(out, swatch, 3.0, NEW_FILL, NEW_GLOW, OUTLINE, ""),
        Legend::Kind(kind) => draw_arrow(out, kind, &[start, end]),
    }
}

/// A coordinate as the SVG shows it: whole pixels without a decimal point,
/// others to a tenth.
pub(crate) fn num(value: f64) -> String {
    let tenths = (value * 10.0).round() / 10.0;
    if tenths == tenths.trunc() { format!("{}", tenths as i64) } else { format!("{tenths:.1}") }
}

/// Text made safe for XML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
