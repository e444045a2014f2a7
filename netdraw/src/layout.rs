//! Where things go (the room text takes, the paths of arrows, the places of
//! texts) and the checks that refuse parts that do not fit or that overlap.

use crate::{Arrow, Drawing, Error, GRID, Look, Node, Point, Rect, Side, error};

/// Font sizes and line heights, in pixels: a box's name, and all other text.
pub(crate) const NAME_SIZE: f64 = 14.0;
pub(crate) const NAME_LINE: f64 = 18.0;
pub(crate) const TEXT_SIZE: f64 = 13.0;
pub(crate) const TEXT_LINE: f64 = 16.0;

/// Room between a box's edge and its text.
pub(crate) const PADDING: f64 = 8.0;

/// Advance widths of DejaVu Sans, Book and Bold, for ' ' to '~', in
/// thousandths of an em. It is the sans-serif of most Linux systems, and
/// wider than Arial or Helvetica: text measured with it fits everywhere.
const SANS: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
const SANS_BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
    683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
    724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
    343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

/// Every character of DejaVu Sans Mono is this wide, in thousandths of an em.
const MONO: f64 = 602.0;

/// A line of text cut at its backticks: `(is code, text)` pieces.
pub(crate) fn pieces(line: &str) -> impl Iterator<Item = (bool, &str)> {
    let pieces = line.split('`').enumerate().map(|(index, piece)| (index % 2 == 1, piece));
    pieces.filter(|(_, piece)| !piece.is_empty())
}

/// How wide a line is drawn, in pixels, at `size`.
pub(crate) fn text_width(line: &str, size: f64, bold: bool) -> f64 {
    let table = if bold { &SANS_BOLD } else { &SANS };
    let thousandths: f64 = pieces(line)
        .flat_map(|(code, piece)| piece.chars().map(move |c| (code, c)))
        .map(|(code, c)| match c {
            _ if code => MONO,
            ' '..='~' => f64::from(table[c as usize - 32]),
            _ => 1000.0,
        })
        .sum();
    thousandths * size / 1000.0
}

/// The size of a block of text lines other than a box's name.
pub(crate) fn text_block(lines: &[String]) -> (f64, f64) {
    let width = lines.iter().map(|line| text_width(line, TEXT_SIZE, false)).fold(0.0, f64::max);
    (width, TEXT_LINE * lines.len() as f64)
}

/// The size of a box's text: its name in bold, then the other lines.
pub(crate) fn box_text(lines: &[String]) -> (f64, f64) {
    let name = lines.first().map_or(0.0, |name| text_width(name, NAME_SIZE, true));
    let (rest, height) = text_block(&lines[1.min(lines.len())..]);
    (name.max(rest), NAME_LINE + height)
}

/// The rectangle of text lines whose top left corner is `at`.
pub(crate) fn text_at(at: Point, lines: &[String]) -> Rect {
    let (w, h) = text_block(lines);
    Rect { x: at.x, y: at.y, w, h }
}

/// Where a frame's label goes: inside it, at its bottom left.
pub(crate) fn frame_label(frame: &Node) -> Rect {
    let (w, h) = text_block(&frame.lines);
    Rect { x: frame.rect.x + PADDING, y: frame.rect.bottom() - PADDING / 2.0 - h, w, h }
}

/// The path of an arrow, from the edge of its first node to the edge of its
/// last, in horizontal and vertical segments.
pub(crate) fn route(nodes: &[Node], arrow: &Arrow) -> Vec<Point> {
    let (from, to) = (&nodes[arrow.from.node], &nodes[arrow.to.node]);
    let from_side = arrow.from.side.unwrap_or_else(|| facing(from, arrow.via.first(), to));
    let to_side = arrow.to.side.unwrap_or_else(|| facing(to, arrow.via.last(), from));
    let start = attach(from.rect, from.bounds(), from_side, arrow.from.offset);
    let finish = attach(to.rect, to.bounds(), to_side, arrow.to.offset);
    // A turn halfway between two boxes is halfway between their fronts, so
    // that arrows to a stack and to a single box turn on the same line.
    let a = attach(from.rect, from.rect, from_side, arrow.from.offset);
    let b = attach(to.rect, to.rect, to_side, arrow.to.offset);
    let halfway = Point { x: ((a.x + b.x) / 2.0).round(), y: ((a.y + b.y) / 2.0).round() };
    let upright = |side: Side| matches!(side, Side::Top | Side::Bottom);
    let stops: Vec<Point> = arrow.via.iter().copied().chain([finish]).collect();
    let mut points = vec![start];
    for (index, &next) in stops.iter().enumerate() {
        let here = *points.last().unwrap();
        // An arrow leaves a node straight out of its side, and enters one
        // straight into its side, turning at `halfway` if it must turn
        // twice; between via points it goes across first.
        let leaving = (index == 0).then_some(upright(from_side));
        let entering = (index == stops.len() - 1).then_some(upright(to_side));
        if here.x != next.x && here.y != next.y {
            let Point { x, y } = halfway;
            points.extend(match (leaving, entering) {
                (Some(true), Some(true)) => vec![Point { x: here.x, y }, Point { x: next.x, y }],
                (Some(false), Some(false)) => vec![Point { x, y: here.y }, Point { x, y: next.y }],
                (Some(true), _) | (_, Some(false)) => vec![Point { x: here.x, y: next.y }],
                _ => vec![Point { x: next.x, y: here.y }],
            });
        }
        points.push(next);
    }
    simplify(points)
}

/// The side of `node` that faces `toward` (a via point), or else the other node.
fn facing(node: &Node, toward: Option<&Point>, other: &Node) -> Side {
    let here = node.bounds();
    let there = toward.map_or(other.bounds(), |&at| Rect { x: at.x, y: at.y, w: 0.0, h: 0.0 });
    if there.y >= here.bottom() {
        Side::Bottom
    } else if there.bottom() <= here.y {
        Side::Top
    } else if there.x >= here.right() {
        Side::Right
    } else {
        Side::Left
    }
}

/// Where an arrow meets `side` of `outline`: `offset` along the side of
/// `front`, or halfway. A stack is met at its outline, level with the middle
/// of its front instance.
fn attach(front: Rect, outline: Rect, side: Side, offset: Option<f64>) -> Point {
    let along = |length: f64| offset.unwrap_or(length / 2.0);
    match side {
        Side::Top => Point { x: front.x + along(front.w), y: outline.y },
        Side::Bottom => Point { x: front.x + along(front.w), y: outline.bottom() },
        Side::Left => Point { x: outline.x, y: front.y + along(front.h) },
        Side::Right => Point { x: outline.right(), y: front.y + along(front.h) },
    }
}

/// Drops repeated points and points in the middle of a straight run.
fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut kept: Vec<Point> = Vec::new();
    for point in points {
        match kept[..] {
            [.., last] if last == point => {}
            [.., a, b] if (a.x == b.x && b.x == point.x) || (a.y == b.y && b.y == point.y) => {
                *kept.last_mut().unwrap() = point;
            }
            _ => kept.push(point),
        }
    }
    kept
}

/// Where an arrow's text goes: the rectangle it covers, and whether it is
/// centred on the rectangle (beside a horizontal segment) or starts at its
/// left (beside a vertical one, or placed by `at`).
pub(crate) fn label_place(arrow: &Arrow, path: &[Point]) -> (Rect, bool) {
    if let Some(at) = arrow.at {
        return (text_at(at, &arrow.lines), false);
    }
    let (w, h) = text_block(&arrow.lines);
    // Beside the first of the longest segments (`max_by` keeps the last).
    let span = |pair: &[Point]| length(pair[0], pair[1]);
    let longest = path.windows(2).rev().max_by(|one, other| span(one).total_cmp(&span(other)));
    let (a, b) = longest.map(|pair| (pair[0], pair[1])).expect("a path has two points or more");
    let middle = Point { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 };
    // Text beside a line keeps clear of it; above or below, the line box's
    // own room under the letters makes a smaller gap enough.
    let (beside, above) = (7.0, 4.0);
    let (x, y, centred) = match (a.x == b.x, arrow.side) {
        (true, Some(Side::Left)) => (middle.x - beside - w, middle.y - h / 2.0, false),
        (true, _) => (middle.x + beside, middle.y - h / 2.0, false),
        (false, Some(Side::Bottom)) => (middle.x - w / 2.0, middle.y + above, true),
        (false, _) => (middle.x - w / 2.0, middle.y - above - h, true),
    };
    (Rect { x, y, w, h }, centred)
}

/// The length of a horizontal or vertical segment.
pub(crate) fn length(a: Point, b: Point) -> f64 {
    (a.x - b.x).abs() + (a.y - b.y).abs()
}

/// Refuses a drawing whose parts overlap or do not fit, naming the line of
/// the first part that does not.
pub(crate) fn check(drawing: &Drawing, paths: &[Vec<Point>]) -> Result<(), Error> {
    for (index, node) in drawing.nodes.iter().enumerate() {
        if !drawing.canvas.contains(&node.bounds()) {
            return Err(error(node.line, format!("`{}` does not fit in the canvas", node.id)));
        }
        let frame = node.look == Look::Frame;
        let (w, h) = if frame { text_block(&node.lines) } else { box_text(&node.lines) };
        for (size, room, extent, what) in
            [(w + 2.0 * PADDING, node.rect.w, w, "wide"), (h + PADDING, node.rect.h, h, "high")]
        {
            if size > room {
                let units = (size / GRID).ceil();
                let message = format!(
                    "the text of `{}` is {extent:.0} px {what}: make it {units} units {what} or more",
                    node.id
                );
                return Err(error(node.line, message));
            }
        }
        // A frame holds whole boxes or none of them.
        for other in &drawing.nodes[..index] {
            let (a, b) = (node.bounds(), other.bounds());
            let nested = (frame || other.look == Look::Frame) && (a.contains(&b) || b.contains(&a));
            if a.overlaps(&b) && !nested {
                let message =
                    format!("`{}` overlaps `{}` (line {})", node.id, other.id, other.line);
                return Err(error(node.line, message));
            }
        }
    }
    let boxes = || drawing.nodes.iter().filter(|node| node.look != Look::Frame);
    let span = |pair: &[Point]| Rect::span(pair[0], pair[1]);
    let spans: Vec<Vec<Rect>> =
        paths.iter().map(|path| path.windows(2).map(span).collect()).collect();
    // An arrow may run along a box's edge, not through its inside.
    let inside = |r: Rect| Rect { x: r.x + 1.0, y: r.y + 1.0, w: r.w - 2.0, h: r.h - 2.0 };
    for (arrow, spans) in drawing.arrows.iter().zip(&spans) {
        let crossed =
            spans.iter().find_map(|span| boxes().find(|node| inside(node.bounds()).overlaps(span)));
        if let Some(node) = crossed {
            let message = format!("the arrow crosses box `{}` (line {})", node.id, node.line);
            return Err(error(arrow.line, message));
        }
    }
    // Every text other than a box's own, with the line it comes from.
    let labelled = drawing.arrows.iter().zip(paths).filter(|(arrow, _)| !arrow.lines.is_empty());
    let mut texts: Vec<(Rect, usize)> =
        labelled.map(|(arrow, path)| (label_place(arrow, path).0, arrow.line)).collect();
    texts.extend(drawing.notes.iter().map(|note| (text_at(note.at, &note.lines), note.line)));
    let frames =
        drawing.nodes.iter().filter(|node| node.look == Look::Frame && !node.lines.is_empty());
    texts.extend(frames.map(|frame| (frame_label(frame), frame.line)));
    for (index, &(rect, line)) in texts.iter().enumerate() {
        if !drawing.canvas.contains(&rect) {
            return Err(error(line, "the text goes out of the canvas"));
        }
        if let Some(node) = boxes().find(|node| node.bounds().overlaps(&rect)) {
            let message = format!("the text covers box `{}` (line {})", node.id, node.line);
            return Err(error(line, message));
        }
        if let Some((_, other)) = texts[..index].iter().find(|(other, _)| other.overlaps(&rect)) {
            return Err(error(line, format!("the text covers the text of line {other}")));
        }
        let mut arrows = drawing.arrows.iter().zip(&spans);
        if let Some((arrow, _)) = arrows.find(|(_, spans)| spans.iter().any(|s| s.overlaps(&rect)))
        {
            return Err(error(line, format!("the text covers the arrow of line {}", arrow.line)));
        }
    }
    Ok(())
}
