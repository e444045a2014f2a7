//! The book's drawings of process networks, made from text.
//!
//! Each `mdbook/drawings/NAME.txt` describes one network in a small
//! line-based format; `cargo xtask drawings` renders it to
//! `mdbook/src/drawings/NAME.svg`, and `cargo xtask check` fails when a
//! committed SVG is not what its source gives. One statement a line; `#`
//! starts a comment; positions and sizes are in grid units of 10 px, x to
//! the right and y down:
//!
//! ```text
//! title "HelloWorld answers the HTTPsocket threads"  # the SVG's <title>
//! canvas 72 40                        # the drawing's width and height
//! legend new "new in this pass"       # renames an entry of the legend
//! box entry 28,2 16x5 "Entry" "`run()`"
//! box http 27,13 18x6 stack=3 "HTTPsocket" "one per connection"
//! frame services 20,25 32x12 "the services"
//! box hello 30,28 12x5 new "HelloWorld"
//! arrow entry -> http spawn "spawns one per connection"
//! arrow http -> hello new "request channel"
//! arrow services.right -> http.right new via 70,30 "reply channels"
//! note 2,2 "free text" "on two lines"
//! ```
//!
//! A `box` (`box ID X,Y WxH FLAGS "TEXT"…`) is a thread; the flag `data`
//! makes it data, `outside` something outside the program (clients, the
//! kernel), `new` fills it as new in this step, and `stack=N` draws N
//! instances as a stack. Its first text line is its name, in bold. A
//! `frame` draws a dashed outline around boxes, its label at its bottom
//! left. An `arrow` (`arrow FROM -> TO FLAGS "TEXT"…`) is a channel; `spawn`
//! makes it "starts a thread", `net` a TCP connection, `use` a use of data.
//! Its ends are a box or frame (the side that faces the other end),
//! `ID.SIDE` (top, bottom, left, right) or `ID.SIDE:N` (N units from the
//! side's top or left end). It runs in straight lines with right-angle
//! turns, through its `via` points if any. Its text goes beside its longest
//! segment (`left`, `right`, `above`, `below` choose the side), or has its
//! top left corner `at=X,Y`. In any text, `backticks` set code. The legend
//! shows the kinds of boxes and arrows the drawing uses. A drawing whose
//! boxes overlap, whose text does not fit, or whose arrows or text cross a
//! box is refused, with the line to fix.

use std::fmt::{self, Display, Write as _};
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

/// Where the sources are, relative to the workspace.
const SOURCE_DIR: &str = "mdbook/drawings";

/// Where the SVGs go, inside the book's sources.
const SVG_DIR: &str = "mdbook/src/drawings";

/// Pixels per grid unit.
const GRID: f64 = 10.0;

/// Font sizes and line heights, in pixels: a box's name, and all other text.
const NAME_SIZE: f64 = 14.0;
const NAME_LINE: f64 = 18.0;
const TEXT_SIZE: f64 = 13.0;
const TEXT_LINE: f64 = 16.0;

/// Room between a box's edge and its text.
const PADDING: f64 = 8.0;

/// How far each instance of a stack is drawn behind the one in front of it.
const STACK_STEP: f64 = 4.0;

/// At most this many instances of a stack are drawn.
const STACK_DRAWN: u32 = 3;

/// Length of an arrowhead, and its half width.
const HEAD: (f64, f64) = (10.0, 4.5);

/// Regenerates every SVG from its source.
pub fn write_all(root: &Path) -> Result<()> {
    fs::create_dir_all(root.join(SVG_DIR))?;
    for (name, source) in sources(root)? {
        let svg =
            render(&source).map_err(|error| anyhow::anyhow!("{SOURCE_DIR}/{name}.txt:{error}"))?;
        let path = root.join(SVG_DIR).join(format!("{name}.svg"));
        fs::write(&path, svg).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {SVG_DIR}/{name}.svg");
    }
    Ok(())
}

/// The drawings whose SVG is missing or differs from what its source gives,
/// the sources that do not render, and the SVGs that have no source.
pub fn stale(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let sources = sources(root)?;
    for (name, source) in &sources {
        let svg_path = root.join(SVG_DIR).join(format!("{name}.svg"));
        match render(source) {
            Err(error) => problems.push(format!("{SOURCE_DIR}/{name}.txt:{error}")),
            Ok(svg) if fs::read_to_string(&svg_path).ok().as_ref() != Some(&svg) => {
                problems.push(format!("{SVG_DIR}/{name}.svg is stale: run `cargo xtask drawings`"))
            }
            Ok(_) => {}
        }
    }
    for svg in files_ending(&root.join(SVG_DIR), ".svg")? {
        if !sources.iter().any(|(name, _)| *name == svg) {
            problems.push(format!("{SVG_DIR}/{svg}.svg has no source {SOURCE_DIR}/{svg}.txt"));
        }
    }
    Ok(problems)
}

/// `(name, text)` of every source, by name.
fn sources(root: &Path) -> Result<Vec<(String, String)>> {
    let dir = root.join(SOURCE_DIR);
    files_ending(&dir, ".txt")?
        .into_iter()
        .map(|name| {
            let path = dir.join(format!("{name}.txt"));
            let text =
                fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            Ok((name, text))
        })
        .collect()
}

/// The names, without `ending`, of the files in `dir` that end with it,
/// sorted; none if `dir` does not exist.
fn files_ending(dir: &Path, ending: &str) -> Result<Vec<String>> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut names = Vec::new();
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(ending) {
            names.push(stem.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// Renders a drawing's source to SVG, or says which line is wrong and why.
pub fn render(source: &str) -> Result<String, Error> {
    let drawing = parse(source)?;
    check(&drawing)?;
    Ok(svg(&drawing))
}

/// A problem with a source: the line it is on, and what it is.
#[derive(Debug, PartialEq)]
pub struct Error {
    /// The line, counted from 1; 0 for the drawing as a whole.
    line: usize,
    /// What is wrong.
    message: String,
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

/// Makes an error on `line`.
fn error(line: usize, message: impl Into<String>) -> Error {
    Error { line, message: message.into() }
}

// ---------------------------------------------------------------- the model

/// A whole drawing, in pixels.
struct Drawing {
    /// What it shows, for screen readers and as a tooltip.
    title: String,
    /// Width and height of the drawing, without the legend.
    width: f64,
    height: f64,
    /// Legend entries renamed by the source.
    renamed: Vec<(Legend, String)>,
    /// Boxes and frames, in the order of the source.
    nodes: Vec<Node>,
    arrows: Vec<Arrow>,
    notes: Vec<Note>,
}

/// How a node looks, and what it stands for.
#[derive(Clone, Copy, PartialEq)]
enum Look {
    /// A thread: a plain box.
    Thread,
    /// Data that threads share or own: a rounded box.
    Data,
    /// Something outside the program: a dashed box.
    Outside,
    /// A process of its own: a box with a double outline.
    Process,
    /// A group of boxes: a dashed outline, its label at its bottom left.
    Frame,
}

/// A box or a frame.
struct Node {
    /// The name arrows use.
    id: String,
    /// The box in front (the whole outline, for a frame).
    rect: Rect,
    look: Look,
    /// Drawn as new in this step.
    new: bool,
    /// How many instances are drawn as a stack: 1 for a single box.
    layers: u32,
    /// Its text: the name first.
    lines: Vec<String>,
    /// Where it is in the source.
    line: usize,
}

/// What an arrow stands for.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Channel,
    Spawn,
    Net,
    Use,
}

/// An arrow from one node to another.
struct Arrow {
    from: End,
    to: End,
    kind: Kind,
    new: bool,
    /// Points it passes through, in order.
    via: Vec<Point>,
    /// Its text, the side of its longest segment the text goes on, or the
    /// text's top left corner.
    lines: Vec<String>,
    side: Option<Side>,
    at: Option<Point>,
    line: usize,
}

/// One end of an arrow: a node, and optionally which side and where on it.
struct End {
    node: usize,
    side: Option<Side>,
    /// Pixels from the top or left end of the side; its middle if `None`.
    offset: Option<f64>,
}

/// A side of a box, or of a segment for the text beside it.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

/// Free text.
struct Note {
    /// Its top left corner.
    at: Point,
    lines: Vec<String>,
    line: usize,
}

impl Note {
    /// Where its text goes.
    fn rect(&self) -> Rect {
        let (w, h) = text_block(&self.lines);
        Rect { x: self.at.x, y: self.at.y, w, h }
    }
}

/// The legend's entries, in the order it shows them.
#[derive(Clone, Copy, PartialEq)]
enum Legend {
    Thread,
    Process,
    Data,
    Outside,
    New,
    Channel,
    Spawn,
    Net,
    Use,
}

impl Legend {
    /// Each entry, the name a source renames it by, and its text.
    const ALL: [(Legend, &'static str, &'static str); 9] = [
        (Legend::Thread, "thread", "a thread"),
        (Legend::Process, "process", "a process"),
        (Legend::Data, "data", "data, not a thread"),
        (Legend::Outside, "outside", "outside the program"),
        (Legend::New, "new", "new in this step"),
        (Legend::Channel, "channel", "a channel"),
        (Legend::Spawn, "spawn", "starts a thread"),
        (Legend::Net, "net", "a TCP connection"),
        (Legend::Use, "use", "uses data"),
    ];
}

#[derive(Clone, Copy, PartialEq, Debug)]
struct Point {
    x: f64,
    y: f64,
}

#[derive(Clone, Copy, PartialEq, Debug)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn right(&self) -> f64 {
        self.x + self.w
    }

    fn bottom(&self) -> f64 {
        self.y + self.h
    }

    fn center(&self) -> Point {
        Point { x: self.x + self.w / 2.0, y: self.y + self.h / 2.0 }
    }

    /// Whether the insides of the two rectangles share a point.
    fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }

    fn contains(&self, other: &Rect) -> bool {
        self.x <= other.x
            && self.y <= other.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }

    /// Whether the segment from `a` to `b`, horizontal or vertical, passes
    /// through the inside of the rectangle.
    fn crossed_by(&self, a: Point, b: Point) -> bool {
        let segment =
            Rect { x: a.x.min(b.x), y: a.y.min(b.y), w: (a.x - b.x).abs(), h: (a.y - b.y).abs() };
        segment.x < self.right()
            && self.x < segment.right()
            && segment.y < self.bottom()
            && self.y < segment.bottom()
    }
}

impl Node {
    /// The outline of all its instances: a stack reaches up and right.
    fn bounds(&self) -> Rect {
        let behind = STACK_STEP * f64::from(self.layers.min(STACK_DRAWN) - 1);
        Rect {
            x: self.rect.x,
            y: self.rect.y - behind,
            w: self.rect.w + behind,
            h: self.rect.h + behind,
        }
    }

    /// What an arrow must not pass through, and text must not cover.
    fn solid(&self) -> bool {
        self.look != Look::Frame
    }
}

// ---------------------------------------------------------------- parsing

/// A piece of a source line: a bare word, or a quoted text.
#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Text(String),
}

/// Cuts a line into tokens; `#` outside a text ends it.
fn tokens(line: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '#' {
            break;
        } else if c == '"' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    None => return Err("a text has no closing `\"`".into()),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(escaped @ ('"' | '\\')) => text.push(escaped),
                        _ => return Err("in a text, `\\` comes only before `\"` or `\\`".into()),
                    },
                    Some(other) => text.push(other),
                }
            }
            tokens.push(Token::Text(text));
        } else {
            let mut word = String::new();
            while let Some(&c) =
                chars.peek().filter(|c| !c.is_whitespace() && **c != '"' && **c != '#')
            {
                word.push(c);
                chars.next();
            }
            tokens.push(Token::Word(word));
        }
    }
    Ok(tokens)
}

/// Reads a whole source.
fn parse(source: &str) -> Result<Drawing, Error> {
    let mut drawing = Drawing {
        title: String::new(),
        width: 0.0,
        height: 0.0,
        renamed: Vec::new(),
        nodes: Vec::new(),
        arrows: Vec::new(),
        notes: Vec::new(),
    };
    for (index, text) in source.lines().enumerate() {
        let line = index + 1;
        let tokens = tokens(text).map_err(|message| error(line, message))?;
        statement(&mut drawing, &tokens, line).map_err(|message| error(line, message))?;
    }
    if drawing.title.is_empty() {
        return Err(error(0, "no `title`: say what the drawing shows"));
    }
    if drawing.width == 0.0 {
        return Err(error(0, "no `canvas`: give the drawing's width and height"));
    }
    Ok(drawing)
}

/// Reads one statement into the drawing.
fn statement(drawing: &mut Drawing, tokens: &[Token], line: usize) -> Result<(), String> {
    let Some(first) = tokens.first() else { return Ok(()) };
    let Token::Word(keyword) = first else {
        return Err("a statement starts with a keyword".into());
    };
    let (words, lines) = split_words(&tokens[1..])?;
    match keyword.as_str() {
        "title" => {
            expect_words(&words, 0, "title \"TEXT\"")?;
            drawing.title = one_line(&lines, "title")?;
        }
        "canvas" => {
            expect_words(&words, 2, "canvas WIDTH HEIGHT")?;
            no_text(&lines, "canvas")?;
            drawing.width = grid(words[0])?;
            drawing.height = grid(words[1])?;
        }
        "legend" => {
            expect_words(&words, 1, "legend ENTRY \"TEXT\"")?;
            let (entry, _, _) = Legend::ALL
                .iter()
                .find(|(_, key, _)| *key == words[0])
                .ok_or_else(|| format!("no legend entry `{}`", words[0]))?;
            drawing.renamed.push((*entry, one_line(&lines, "legend")?));
        }
        "box" | "frame" => {
            let node = node(keyword == "frame", &words, lines, line)?;
            if drawing.nodes.iter().any(|other| other.id == node.id) {
                return Err(format!("`{}` is already a box", node.id));
            }
            drawing.nodes.push(node);
        }
        "arrow" => drawing.arrows.push(arrow(&drawing.nodes, &words, lines, line)?),
        "note" => {
            expect_words(&words, 1, "note X,Y \"TEXT\" …")?;
            if lines.is_empty() {
                return Err("a note needs text".into());
            }
            drawing.notes.push(Note { at: point(words[0])?, lines, line });
        }
        other => return Err(format!("unknown statement `{other}`")),
    }
    Ok(())
}

/// Splits a statement's tokens into its words, which come first, and its
/// texts, which end it.
fn split_words(tokens: &[Token]) -> Result<(Vec<&str>, Vec<String>), String> {
    let mut words = Vec::new();
    let mut texts = Vec::new();
    for token in tokens {
        match token {
            Token::Word(word) if texts.is_empty() => words.push(word.as_str()),
            Token::Word(word) => {
                return Err(format!("`{word}` comes after the text; put it before"));
            }
            Token::Text(text) => texts.push(text.clone()),
        }
    }
    Ok((words, texts))
}

/// Whether a statement has as many words as its form says.
fn expect_words(words: &[&str], count: usize, form: &str) -> Result<(), String> {
    if words.len() == count { Ok(()) } else { Err(format!("expected `{form}`")) }
}

/// Refuses text where a statement takes none.
fn no_text(lines: &[String], what: &str) -> Result<(), String> {
    if lines.is_empty() { Ok(()) } else { Err(format!("`{what}` takes no text")) }
}

/// The one text a statement takes.
fn one_line(lines: &[String], what: &str) -> Result<String, String> {
    match lines {
        [line] if !line.is_empty() => Ok(line.clone()),
        _ => Err(format!("`{what}` takes one text")),
    }
}

/// A length in grid units, as pixels.
fn grid(word: &str) -> Result<f64, String> {
    word.parse::<u16>()
        .map(|units| f64::from(units) * GRID)
        .map_err(|_| format!("`{word}` is not a whole number"))
}

/// `X,Y` in grid units, as pixels.
fn point(word: &str) -> Result<Point, String> {
    let (x, y) = word.split_once(',').ok_or_else(|| format!("`{word}` is not a point X,Y"))?;
    Ok(Point { x: grid(x)?, y: grid(y)? })
}

/// `WxH` in grid units, as pixels.
fn size(word: &str) -> Result<(f64, f64), String> {
    let (w, h) = word.split_once('x').ok_or_else(|| format!("`{word}` is not a size WxH"))?;
    Ok((grid(w)?, grid(h)?))
}

/// `box ID X,Y WxH [new] [data|outside] [stack=N] "TEXT" …` or `frame ID X,Y WxH ["LABEL"]`.
fn node(frame: bool, words: &[&str], lines: Vec<String>, line: usize) -> Result<Node, String> {
    let [id, at, extent, flags @ ..] = words else {
        return Err(if frame {
            "expected `frame ID X,Y WxH \"LABEL\"`"
        } else {
            "expected `box ID X,Y WxH FLAGS \"TEXT\" …`"
        }
        .into());
    };
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(format!("`{id}` is not a name: use letters, digits, `_` and `-`"));
    }
    let at = point(at)?;
    let (w, h) = size(extent)?;
    let mut node = Node {
        id: id.to_string(),
        rect: Rect { x: at.x, y: at.y, w, h },
        look: if frame { Look::Frame } else { Look::Thread },
        new: false,
        layers: 1,
        lines,
        line,
    };
    for flag in flags {
        match *flag {
            _ if frame => return Err(format!("a frame takes no flag `{flag}`")),
            "new" => node.new = true,
            "data" => node.look = Look::Data,
            "outside" => node.look = Look::Outside,
            "process" => node.look = Look::Process,
            _ => match flag.strip_prefix("stack=").map(str::parse::<u32>) {
                Some(Ok(layers)) if layers >= 2 => node.layers = layers,
                Some(_) => return Err(format!("`{flag}`: a stack has 2 or more instances")),
                None => return Err(format!("unknown flag `{flag}`")),
            },
        }
    }
    if node.lines.is_empty() && !frame {
        return Err("a box needs its name as a text".into());
    }
    Ok(node)
}

/// `arrow FROM -> TO [FLAGS] ["TEXT" …]`.
fn arrow(nodes: &[Node], words: &[&str], lines: Vec<String>, line: usize) -> Result<Arrow, String> {
    let [from, "->", to, flags @ ..] = words else {
        return Err("expected `arrow FROM -> TO FLAGS \"TEXT\" …`".into());
    };
    let mut arrow = Arrow {
        from: end(nodes, from)?,
        to: end(nodes, to)?,
        kind: Kind::Channel,
        new: false,
        via: Vec::new(),
        lines,
        side: None,
        at: None,
        line,
    };
    let mut flags = flags.iter();
    while let Some(&flag) = flags.next() {
        match flag {
            "new" => arrow.new = true,
            "spawn" => arrow.kind = Kind::Spawn,
            "net" => arrow.kind = Kind::Net,
            "use" => arrow.kind = Kind::Use,
            "above" | "below" | "left" | "right" => arrow.side = Some(side(flag)?),
            "via" => {
                let points: Vec<&str> = flags
                    .clone()
                    .take_while(|word| word.contains(',') && !word.contains('='))
                    .copied()
                    .collect();
                if points.is_empty() {
                    return Err("`via` needs one or more points X,Y".into());
                }
                for point_word in &points {
                    arrow.via.push(point(point_word)?);
                    flags.next();
                }
            }
            _ => match flag.strip_prefix("at=") {
                Some(at) => arrow.at = Some(point(at)?),
                None => return Err(format!("unknown flag `{flag}`")),
            },
        }
    }
    if arrow.from.node == arrow.to.node {
        return Err("an arrow joins two different boxes".into());
    }
    Ok(arrow)
}

/// `ID`, `ID.SIDE` or `ID.SIDE:N`.
fn end(nodes: &[Node], word: &str) -> Result<End, String> {
    let (id, place) = match word.split_once('.') {
        Some((id, place)) => (id, Some(place)),
        None => (word, None),
    };
    let node = nodes
        .iter()
        .position(|node| node.id == id)
        .ok_or_else(|| format!("no box `{id}` above this line"))?;
    let Some(place) = place else { return Ok(End { node, side: None, offset: None }) };
    let (side_word, offset) = match place.split_once(':') {
        Some((side_word, offset)) => (side_word, Some(grid(offset)?)),
        None => (place, None),
    };
    Ok(End { node, side: Some(side(side_word)?), offset })
}

/// A side of a box, by its name.
fn side(word: &str) -> Result<Side, String> {
    match word {
        "top" | "above" => Ok(Side::Top),
        "bottom" | "below" => Ok(Side::Bottom),
        "left" => Ok(Side::Left),
        "right" => Ok(Side::Right),
        _ => Err(format!("`{word}` is not a side: top, bottom, left or right")),
    }
}

// ---------------------------------------------------------------- text

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
fn pieces(line: &str) -> impl Iterator<Item = (bool, &str)> {
    line.split('`')
        .enumerate()
        .map(|(index, piece)| (index % 2 == 1, piece))
        .filter(|(_, piece)| !piece.is_empty())
}

/// How wide a line is drawn, in pixels, at `size`.
fn text_width(line: &str, size: f64, bold: bool) -> f64 {
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
fn text_block(lines: &[String]) -> (f64, f64) {
    let width = lines.iter().map(|line| text_width(line, TEXT_SIZE, false)).fold(0.0, f64::max);
    (width, TEXT_LINE * lines.len() as f64)
}

/// The size of a box's text: its name in bold, then the other lines.
fn box_text(lines: &[String]) -> (f64, f64) {
    let name = lines.first().map_or(0.0, |name| text_width(name, NAME_SIZE, true));
    let (rest, height) = text_block(&lines[1.min(lines.len())..]);
    (name.max(rest), NAME_LINE + height)
}

// ---------------------------------------------------------------- geometry

/// The path of an arrow, from the edge of its first node to the edge of its
/// last, in horizontal and vertical segments.
fn route(nodes: &[Node], arrow: &Arrow) -> Vec<Point> {
    let from = &nodes[arrow.from.node];
    let to = &nodes[arrow.to.node];
    let from_side = arrow.from.side.unwrap_or_else(|| facing(from, arrow.via.first(), to));
    let to_side = arrow.to.side.unwrap_or_else(|| facing(to, arrow.via.last(), from));
    let start = attach(from, from_side, arrow.from.offset);
    let finish = attach(to, to_side, arrow.to.offset);
    // A turn halfway between two boxes is halfway between their fronts, so
    // that arrows to a stack and to a single box turn on the same line.
    let (a, b) = (front(from, from_side, start), front(to, to_side, finish));
    let halfway = Point { x: ((a.x + b.x) / 2.0).round(), y: ((a.y + b.y) / 2.0).round() };
    let mut points = vec![start];
    let stops: Vec<Point> = arrow.via.iter().copied().chain([finish]).collect();
    for (index, &next) in stops.iter().enumerate() {
        let here = *points.last().unwrap();
        let first = index == 0;
        let last = index == stops.len() - 1;
        points.extend(elbows(
            here,
            next,
            first.then_some(from_side),
            last.then_some(to_side),
            halfway,
        ));
        points.push(next);
    }
    simplify(points)
}

/// Where an arrow that meets `node` at `point` on `side` would meet its
/// front instance: a stack's outline reaches up and right of it.
fn front(node: &Node, side: Side, point: Point) -> Point {
    match side {
        Side::Top => Point { y: node.rect.y, ..point },
        Side::Right => Point { x: node.rect.right(), ..point },
        Side::Bottom | Side::Left => point,
    }
}

/// The side of `node` that faces `toward` (a via point), or else the other node.
fn facing(node: &Node, toward: Option<&Point>, other: &Node) -> Side {
    let here = node.bounds();
    let there = match toward {
        Some(point) => Rect { x: point.x, y: point.y, w: 0.0, h: 0.0 },
        None => other.bounds(),
    };
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

/// Where an arrow meets a side of a node. A stack is met at its outline,
/// level with the middle of its front instance.
fn attach(node: &Node, side: Side, offset: Option<f64>) -> Point {
    let front = node.rect;
    let outline = node.bounds();
    match side {
        Side::Top => Point { x: front.x + offset.unwrap_or(front.w / 2.0), y: outline.y },
        Side::Bottom => Point { x: front.x + offset.unwrap_or(front.w / 2.0), y: front.bottom() },
        Side::Left => Point { x: front.x, y: front.y + offset.unwrap_or(front.h / 2.0) },
        Side::Right => Point { x: outline.right(), y: front.y + offset.unwrap_or(front.h / 2.0) },
    }
}

/// The corners between two points that are not in line: an arrow leaves a
/// node straight out of its side, and enters one straight into its side,
/// turning at `halfway` if it must turn twice; between via points it goes
/// across first.
fn elbows(
    a: Point,
    b: Point,
    leaving: Option<Side>,
    entering: Option<Side>,
    halfway: Point,
) -> Vec<Point> {
    if a.x == b.x || a.y == b.y {
        return Vec::new();
    }
    let upright = |side: Side| matches!(side, Side::Top | Side::Bottom);
    match (leaving.map(upright), entering.map(upright)) {
        (Some(true), Some(true)) => {
            vec![Point { x: a.x, y: halfway.y }, Point { x: b.x, y: halfway.y }]
        }
        (Some(false), Some(false)) => {
            vec![Point { x: halfway.x, y: a.y }, Point { x: halfway.x, y: b.y }]
        }
        (Some(true), _) | (_, Some(false)) => vec![Point { x: a.x, y: b.y }],
        _ => vec![Point { x: b.x, y: a.y }],
    }
}

/// Drops repeated points and points in the middle of a straight run.
fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut kept: Vec<Point> = Vec::new();
    for point in points {
        if kept.last() == Some(&point) {
            continue;
        }
        if let [.., a, b] = kept[..]
            && ((a.x == b.x && b.x == point.x) || (a.y == b.y && b.y == point.y))
        {
            kept.pop();
        }
        kept.push(point);
    }
    kept
}

/// Where an arrow's text goes: the rectangle it covers, and whether it is
/// centred on the rectangle (beside a horizontal segment) or starts at its
/// left (beside a vertical one, or placed by `at`).
fn label_place(arrow: &Arrow, path: &[Point]) -> (Rect, bool) {
    let (w, h) = text_block(&arrow.lines);
    if let Some(at) = arrow.at {
        return (Rect { x: at.x, y: at.y, w, h }, false);
    }
    let (a, b) = path
        .windows(2)
        .map(|pair| (pair[0], pair[1]))
        .fold(None, |best: Option<(Point, Point)>, (a, b)| match best {
            Some((c, d)) if length(c, d) >= length(a, b) => Some((c, d)),
            _ => Some((a, b)),
        })
        .expect("a path has two points or more");
    let middle = Point { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 };
    // Text beside a line keeps clear of it; above or below, the line box's
    // own room under the letters makes a smaller gap enough.
    let (beside, above) = (7.0, 4.0);
    if a.x == b.x {
        let x =
            if arrow.side == Some(Side::Left) { middle.x - beside - w } else { middle.x + beside };
        (Rect { x, y: middle.y - h / 2.0, w, h }, false)
    } else {
        let y =
            if arrow.side == Some(Side::Bottom) { middle.y + above } else { middle.y - above - h };
        (Rect { x: middle.x - w / 2.0, y, w, h }, true)
    }
}

/// The length of a horizontal or vertical segment.
fn length(a: Point, b: Point) -> f64 {
    (a.x - b.x).abs() + (a.y - b.y).abs()
}

// ---------------------------------------------------------------- checks

/// Refuses a drawing whose parts overlap or do not fit.
fn check(drawing: &Drawing) -> Result<(), Error> {
    let canvas = Rect { x: 0.0, y: 0.0, w: drawing.width, h: drawing.height };
    check_nodes(drawing, canvas)?;
    let paths: Vec<Vec<Point>> =
        drawing.arrows.iter().map(|arrow| route(&drawing.nodes, arrow)).collect();
    check_arrows(drawing, &paths)?;
    check_texts(drawing, canvas, &paths, &texts(drawing, &paths))
}

/// No arrow passes through a box.
fn check_arrows(drawing: &Drawing, paths: &[Vec<Point>]) -> Result<(), Error> {
    for (arrow, path) in drawing.arrows.iter().zip(paths) {
        for pair in path.windows(2) {
            if let Some(node) = drawing
                .nodes
                .iter()
                .find(|node| node.solid() && inside(node).crossed_by(pair[0], pair[1]))
            {
                return Err(error(
                    arrow.line,
                    format!("the arrow crosses box `{}` (line {})", node.id, node.line),
                ));
            }
        }
    }
    Ok(())
}

/// Where each text goes, other than a box's own, with the line it comes from.
fn texts(drawing: &Drawing, paths: &[Vec<Point>]) -> Vec<(Rect, usize)> {
    let mut texts: Vec<(Rect, usize)> = Vec::new();
    for (arrow, path) in
        drawing.arrows.iter().zip(paths).filter(|(arrow, _)| !arrow.lines.is_empty())
    {
        texts.push((label_place(arrow, path).0, arrow.line));
    }
    texts.extend(drawing.notes.iter().map(|note| (note.rect(), note.line)));
    for node in
        drawing.nodes.iter().filter(|node| node.look == Look::Frame && !node.lines.is_empty())
    {
        texts.push((frame_label(node), node.line));
    }
    texts
}

/// A node's inside, for the arrows that must not cross it.
fn inside(node: &Node) -> Rect {
    let outline = node.bounds();
    Rect { x: outline.x + 1.0, y: outline.y + 1.0, w: outline.w - 2.0, h: outline.h - 2.0 }
}

/// Each node is inside the canvas, holds its text, and overlaps no other
/// node; a frame holds whole nodes or none of them.
fn check_nodes(drawing: &Drawing, canvas: Rect) -> Result<(), Error> {
    for (index, node) in drawing.nodes.iter().enumerate() {
        if !canvas.contains(&node.bounds()) {
            return Err(error(node.line, format!("`{}` does not fit in the canvas", node.id)));
        }
        if node.look == Look::Frame {
            let (w, h) = text_block(&node.lines);
            if w + 2.0 * PADDING > node.rect.w || h + PADDING > node.rect.h {
                return Err(error(
                    node.line,
                    format!("the label of frame `{}` does not fit in it", node.id),
                ));
            }
        } else {
            let (w, h) = box_text(&node.lines);
            if w + 2.0 * PADDING > node.rect.w {
                return Err(error(
                    node.line,
                    format!(
                        "the text of `{}` is {w:.0} px wide: make the box {} units wide or more",
                        node.id,
                        ((w + 2.0 * PADDING) / GRID).ceil()
                    ),
                ));
            }
            if h + PADDING > node.rect.h {
                return Err(error(
                    node.line,
                    format!(
                        "the text of `{}` is {h:.0} px high: make the box {} units high or more",
                        node.id,
                        ((h + PADDING) / GRID).ceil()
                    ),
                ));
            }
        }
        for other in &drawing.nodes[..index] {
            let (a, b) = (node.bounds(), other.bounds());
            let clash = match (node.look == Look::Frame, other.look == Look::Frame) {
                (false, false) => a.overlaps(&b),
                _ => a.overlaps(&b) && !a.contains(&b) && !b.contains(&a),
            };
            if clash {
                return Err(error(
                    node.line,
                    format!("`{}` overlaps `{}` (line {})", node.id, other.id, other.line),
                ));
            }
        }
    }
    Ok(())
}

/// Each text is inside the canvas, and covers no box, no arrow, and no other
/// text.
fn check_texts(
    drawing: &Drawing,
    canvas: Rect,
    paths: &[Vec<Point>],
    texts: &[(Rect, usize)],
) -> Result<(), Error> {
    for (index, &(rect, line)) in texts.iter().enumerate() {
        if !canvas.contains(&rect) {
            return Err(error(line, "the text goes out of the canvas"));
        }
        if let Some(node) =
            drawing.nodes.iter().find(|node| node.solid() && node.bounds().overlaps(&rect))
        {
            return Err(error(
                line,
                format!("the text covers box `{}` (line {})", node.id, node.line),
            ));
        }
        if let Some((_, other)) = texts[..index].iter().find(|(other, ..)| other.overlaps(&rect)) {
            return Err(error(line, format!("the text covers the text of line {other}")));
        }
        for (arrow, path) in drawing.arrows.iter().zip(paths) {
            if path.windows(2).any(|pair| rect.crossed_by(pair[0], pair[1])) {
                return Err(error(
                    line,
                    format!("the text covers the arrow of line {}", arrow.line),
                ));
            }
        }
    }
    Ok(())
}

/// Where a frame's label goes: inside it, at its bottom left.
fn frame_label(frame: &Node) -> Rect {
    let (w, h) = text_block(&frame.lines);
    Rect { x: frame.rect.x + PADDING, y: frame.rect.bottom() - PADDING / 2.0 - h, w, h }
}

// ---------------------------------------------------------------- SVG

/// Colours: lines and text, new things, shared data, what is outside.
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

/// The height of one row of the legend.
const LEGEND_ROW: f64 = 24.0;

/// The whole SVG of a checked drawing.
fn svg(drawing: &Drawing) -> String {
    let legend = legend_items(drawing);
    let rows = legend_rows(drawing.width, &legend);
    let height = drawing.height
        + if legend.is_empty() { 0.0 } else { 12.0 + LEGEND_ROW * rows.len() as f64 };
    let (width, height) = (num(drawing.width), num(height));
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="title">"#
    );
    let _ = writeln!(out, r#"<title id="title">{}</title>"#, escape(&drawing.title));
    out += &style();
    let _ = writeln!(
        out,
        r#"<rect class="paper" x="0" y="0" width="{width}" height="{height}" rx="6"/>"#
    );
    draw_network(&mut out, drawing);
    draw_legend(&mut out, drawing, &rows);
    out += "</svg>\n";
    out
}

/// The boxes, arrows and texts, from the bottom layer up: what is new
/// glows under everything, frames lie under boxes, text is on top.
fn draw_network(out: &mut String, drawing: &Drawing) {
    let paths: Vec<Vec<Point>> =
        drawing.arrows.iter().map(|arrow| route(&drawing.nodes, arrow)).collect();
    for (_, path) in drawing.arrows.iter().zip(&paths).filter(|(arrow, _)| arrow.new) {
        let _ = writeln!(
            out,
            r#"<path d="{}" fill="none" stroke="{NEW_GLOW}" stroke-width="9" stroke-linecap="round" stroke-linejoin="round"/>"#,
            path_data(path)
        );
    }
    let (frames, boxes): (Vec<&Node>, Vec<&Node>) =
        drawing.nodes.iter().partition(|node| node.look == Look::Frame);
    for node in frames.into_iter().chain(boxes) {
        draw_node(out, node);
    }
    for (arrow, path) in drawing.arrows.iter().zip(&paths) {
        draw_arrow(out, arrow.kind, path);
    }
    for (arrow, path) in
        drawing.arrows.iter().zip(&paths).filter(|(arrow, _)| !arrow.lines.is_empty())
    {
        let (rect, centred) = label_place(arrow, path);
        draw_lines(out, &arrow.lines, rect, centred, "label");
    }
    for note in &drawing.notes {
        draw_lines(out, &note.lines, note.rect(), false, "label");
    }
}

/// The style sheet: generic font families, so that it renders offline; text
/// on lines gets a white edge, so that it stays legible where it meets one.
fn style() -> String {
    format!(
        "<style>
text {{ font-family: sans-serif; font-size: {TEXT_SIZE}px; fill: #1a202c; }}
.name {{ font-weight: bold; font-size: {NAME_SIZE}px; }}
.code {{ font-family: monospace; }}
.label {{ paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }}
.muted {{ fill: #4a5568; }}
.paper {{ fill: #ffffff; }}
</style>
"
    )
}

/// A box, every instance of a stack, and its text; or a frame and its label.
fn draw_node(out: &mut String, node: &Node) {
    let fill = match node.look {
        _ if node.new => NEW_FILL,
        Look::Data => DATA_FILL,
        Look::Frame => "none",
        Look::Thread | Look::Outside | Look::Process => "#ffffff",
    };
    let (stroke, dash, radius) = match node.look {
        Look::Thread | Look::Process => (INK, "", 3.0),
        Look::Data => (INK, "", 12.0),
        Look::Outside => (OUTSIDE_INK, r#" stroke-dasharray="5 3""#, 3.0),
        Look::Frame => ("#8a96a8", r#" stroke-dasharray="7 4""#, 10.0),
    };
    let width = num(if node.look == Look::Process { DOUBLE } else { OUTLINE });
    for layer in (0..node.layers.min(STACK_DRAWN)).rev() {
        let shift = STACK_STEP * f64::from(layer);
        let r = node.rect;
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>"#,
            num(r.x + shift),
            num(r.y - shift),
            num(r.w),
            num(r.h),
            num(radius)
        );
        if node.look == Look::Process {
            let _ = writeln!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="none" stroke="{fill}" stroke-width="{}"/>"#,
                num(r.x + shift),
                num(r.y - shift),
                num(r.w),
                num(r.h),
                num(radius),
                num(OUTLINE)
            );
        }
    }
    if node.look == Look::Frame {
        if !node.lines.is_empty() {
            draw_lines(out, &node.lines, frame_label(node), false, "muted");
        }
        return;
    }
    let (_, h) = box_text(&node.lines);
    let center = node.rect.center().x;
    let mut top = node.rect.center().y - h / 2.0;
    let class = if node.look == Look::Outside { " muted" } else { "" };
    write_text(
        out,
        &node.lines[0],
        center,
        baseline(top, NAME_LINE, NAME_SIZE),
        "middle",
        &format!("name{class}"),
    );
    top += NAME_LINE;
    for line in &node.lines[1..] {
        write_text(out, line, center, baseline(top, TEXT_LINE, TEXT_SIZE), "middle", class.trim());
        top += TEXT_LINE;
    }
}

/// The baseline of a line of text whose line box starts at `top`.
fn baseline(top: f64, line_height: f64, size: f64) -> f64 {
    top + line_height / 2.0 + size * 0.36
}

/// Lines of text in `rect`, centred or starting at its left.
fn draw_lines(out: &mut String, lines: &[String], rect: Rect, centred: bool, class: &str) {
    let (x, anchor) = if centred { (rect.center().x, "middle") } else { (rect.x, "start") };
    for (index, line) in lines.iter().enumerate() {
        let top = rect.y + TEXT_LINE * index as f64;
        write_text(out, line, x, baseline(top, TEXT_LINE, TEXT_SIZE), anchor, class);
    }
}

/// One line of text, its code pieces in the monospace font.
fn write_text(out: &mut String, line: &str, x: f64, y: f64, anchor: &str, class: &str) {
    let class = if class.is_empty() { String::new() } else { format!(r#" class="{class}""#) };
    let anchor =
        if anchor == "start" { String::new() } else { format!(r#" text-anchor="{anchor}""#) };
    let _ = write!(out, r#"<text x="{}" y="{}"{anchor}{class}>"#, num(x), num(y));
    for (code, piece) in pieces(line) {
        if code {
            let _ = write!(out, r#"<tspan class="code">{}</tspan>"#, escape(piece));
        } else {
            out.push_str(&escape(piece));
        }
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
    let mut line = path.to_vec();
    let base = Point { x: tip.x - unit.x * HEAD.0, y: tip.y - unit.y * HEAD.0 };
    *line.last_mut().unwrap() = base;
    let _ = writeln!(
        out,
        r#"<path d="{}" fill="none" stroke="{stroke}" stroke-width="1.6"{dash}/>"#,
        path_data(&line)
    );
    let (left, right) = (
        Point { x: base.x - unit.y * HEAD.1, y: base.y + unit.x * HEAD.1 },
        Point { x: base.x + unit.y * HEAD.1, y: base.y - unit.x * HEAD.1 },
    );
    let _ = writeln!(
        out,
        r#"<path d="M{} {}L{} {}L{} {}Z" fill="{stroke}"/>"#,
        num(tip.x),
        num(tip.y),
        num(left.x),
        num(left.y),
        num(right.x),
        num(right.y)
    );
}

/// The `d` attribute of a path through `points`.
fn path_data(points: &[Point]) -> String {
    let mut data = String::new();
    for (index, point) in points.iter().enumerate() {
        let _ =
            write!(data, "{}{} {}", if index == 0 { "M" } else { "L" }, num(point.x), num(point.y));
    }
    data
}

/// The legend entries the drawing uses, with their text.
fn legend_items(drawing: &Drawing) -> Vec<(Legend, String)> {
    let used = |entry: Legend| match entry {
        Legend::Thread => drawing.nodes.iter().any(|node| node.look == Look::Thread),
        Legend::Data => drawing.nodes.iter().any(|node| node.look == Look::Data),
        Legend::Outside => drawing.nodes.iter().any(|node| node.look == Look::Outside),
        Legend::Process => drawing.nodes.iter().any(|node| node.look == Look::Process),
        Legend::New => {
            drawing.nodes.iter().any(|node| node.new)
                || drawing.arrows.iter().any(|arrow| arrow.new)
        }
        Legend::Channel => drawing.arrows.iter().any(|arrow| arrow.kind == Kind::Channel),
        Legend::Spawn => drawing.arrows.iter().any(|arrow| arrow.kind == Kind::Spawn),
        Legend::Net => drawing.arrows.iter().any(|arrow| arrow.kind == Kind::Net),
        Legend::Use => drawing.arrows.iter().any(|arrow| arrow.kind == Kind::Use),
    };
    Legend::ALL
        .iter()
        .filter(|(entry, ..)| used(*entry))
        .map(|(entry, _, text)| {
            let renamed = drawing.renamed.iter().find(|(renamed, _)| renamed == entry);
            (*entry, renamed.map_or(text.to_string(), |(_, text)| text.clone()))
        })
        .collect()
}

/// Width of a legend entry's sample, and of the gap after its text.
const SAMPLE: f64 = 30.0;
const LEGEND_GAP: f64 = 22.0;

/// The legend entries in as few rows as fit the width, in columns: each
/// entry with the x where it starts.
fn legend_rows(width: f64, items: &[(Legend, String)]) -> Vec<Vec<(f64, Legend, String)>> {
    let wide = |text: &str| SAMPLE + 6.0 + text_width(text, TEXT_SIZE, false);
    for rows in 1..=items.len() {
        let columns = items.len().div_ceil(rows);
        let column_widths: Vec<f64> = (0..columns)
            .map(|column| {
                items
                    .iter()
                    .skip(column)
                    .step_by(columns)
                    .map(|(_, text)| wide(text))
                    .fold(0.0, f64::max)
            })
            .collect();
        let total: f64 = column_widths.iter().sum::<f64>() + LEGEND_GAP * (columns - 1) as f64;
        if total <= width - 20.0 || columns == 1 {
            let starts: Vec<f64> = column_widths
                .iter()
                .scan(10.0, |x, column_width| {
                    let start = *x;
                    *x += column_width + LEGEND_GAP;
                    Some(start)
                })
                .collect();
            return items
                .chunks(columns)
                .map(|row| {
                    row.iter()
                        .zip(&starts)
                        .map(|((entry, text), x)| (*x, *entry, text.clone()))
                        .collect()
                })
                .collect();
        }
    }
    Vec::new()
}

/// The legend, under the drawing and a thin line.
fn draw_legend(out: &mut String, drawing: &Drawing, rows: &[Vec<(f64, Legend, String)>]) {
    if rows.is_empty() {
        return;
    }
    let top = drawing.height + 6.0;
    let _ = writeln!(
        out,
        r##"<path d="M10 {y}L{} {y}" stroke="#d5dbe3" stroke-width="1"/>"##,
        num(drawing.width - 10.0),
        y = num(top)
    );
    for (index, row) in rows.iter().enumerate() {
        let middle = top + 6.0 + LEGEND_ROW * (index as f64 + 0.5);
        for (x, entry, text) in row {
            draw_sample(out, *entry, *x, middle);
            write_text(out, text, x + SAMPLE + 6.0, middle + TEXT_SIZE * 0.36, "start", "");
        }
    }
}

/// The small picture before a legend entry's text, centred on `middle`.
fn draw_sample(out: &mut String, entry: Legend, x: f64, middle: f64) {
    let swatch = |out: &mut String, fill: &str, stroke: &str, width: f64, extra: &str| {
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="14" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="{}"{extra}/>"#,
            num(x + 2.0),
            num(middle - 7.0),
            num(SAMPLE - 4.0),
            num(width)
        );
    };
    let arrow = |out: &mut String, kind| {
        draw_arrow(out, kind, &[Point { x, y: middle }, Point { x: x + SAMPLE, y: middle }]);
    };
    match entry {
        Legend::Thread => swatch(out, "#ffffff", INK, OUTLINE, ""),
        Legend::Process => {
            swatch(out, "#ffffff", INK, DOUBLE, "");
            swatch(out, "none", "#ffffff", OUTLINE, "");
        }
        Legend::Data => swatch(out, DATA_FILL, INK, OUTLINE, r#" ry="7""#),
        Legend::Outside => {
            swatch(out, "#ffffff", OUTSIDE_INK, OUTLINE, r#" stroke-dasharray="5 3""#)
        }
        Legend::New => swatch(out, NEW_FILL, NEW_GLOW, OUTLINE, ""),
        Legend::Channel => arrow(out, Kind::Channel),
        Legend::Spawn => arrow(out, Kind::Spawn),
        Legend::Net => arrow(out, Kind::Net),
        Legend::Use => arrow(out, Kind::Use),
    }
}

/// A coordinate as the SVG shows it: whole pixels without a decimal point,
/// others to a tenth.
fn num(value: f64) -> String {
    let tenths = (value * 10.0).round() / 10.0;
    if tenths == tenths.trunc() { format!("{}", tenths as i64) } else { format!("{tenths:.1}") }
}

/// Text made safe for XML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example in this module's documentation.
    fn documented_example() -> String {
        let source = include_str!("drawings.rs");
        let start = source.find("//! ```text\n").unwrap() + "//! ```text\n".len();
        let end = start + source[start..].find("//! ```\n").unwrap();
        source[start..end]
            .lines()
            .map(|line| format!("{}\n", line.trim_start_matches("//! ")))
            .collect()
    }

    /// A drawing with a title and a canvas, and `body` after them from line 3.
    fn drawing(body: &str) -> String {
        format!("title \"a test\"\ncanvas 40 30\n{body}")
    }

    /// The path of the first arrow of a drawing with `body`, as `(x, y)` pixels.
    fn path_of(body: &str) -> Vec<(f64, f64)> {
        let parsed = parse(&drawing(body)).unwrap();
        route(&parsed.nodes, &parsed.arrows[0]).iter().map(|point| (point.x, point.y)).collect()
    }

    /// The line and message of the error that `source` gives.
    fn error_of(source: &str) -> (usize, String) {
        let error = render(source).expect_err("the source is wrong");
        (error.line, error.message)
    }

    #[test]
    fn the_documented_example_renders_the_same_every_time() {
        let svg = render(&documented_example()).unwrap();
        assert_eq!(svg, render(&documented_example()).unwrap());
        assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" width="720" height="#));
        assert!(svg.contains(r#"viewBox="0 0 720 "#), "{svg}");
        assert!(
            svg.contains("<title id=\"title\">HelloWorld answers the HTTPsocket threads</title>")
        );
        assert!(svg.contains(">new in this pass</text>"), "the renamed legend entry");
        assert!(svg.contains("font-family: sans-serif"));
        assert!(svg.ends_with("</svg>\n"));
    }

    /// Checks that tags nest and that no tag repeats an attribute: an SVG
    /// that breaks either shows nothing at all in a browser.
    fn assert_well_formed(svg: &str) {
        let mut open: Vec<&str> = Vec::new();
        for tag in svg.split('<').skip(1).map(|rest| &rest[..rest.find('>').unwrap()]) {
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(name), "</{name}> closes nothing open");
                continue;
            }
            let name = tag.split_whitespace().next().unwrap().trim_end_matches('/');
            let mut attributes: Vec<&str> = tag
                .split('"')
                .step_by(2)
                .filter_map(|part| part.split_whitespace().last())
                .filter_map(|part| part.strip_suffix('='))
                .collect();
            let count = attributes.len();
            attributes.sort();
            attributes.dedup();
            assert_eq!(attributes.len(), count, "an attribute repeats in <{tag}>");
            if !tag.ends_with('/') {
                open.push(name);
            }
        }
        assert!(open.is_empty(), "{open:?} are not closed");
    }

    #[test]
    fn every_look_and_kind_makes_well_formed_svg() {
        let body = "box a 1,1 10x4 \"A\"\nbox b 12,1 10x4 data new \"B\"\nbox c 24,1 10x4 outside \"C\"\n\
                    box d 1,10 10x4 process stack=2 \"D\"\nframe f 12,8 24x10 \"F\"\nbox e 14,10 10x4 \"E\"\n\
                    arrow a -> d net\narrow b -> e spawn new \"x\"\narrow c -> f use\narrow e.right -> c.bottom\n\
                    note 1,20 \"a & b\"";
        let svg = render(&drawing(body)).unwrap();
        assert_well_formed(&svg);
        assert_well_formed(&render(&documented_example()).unwrap());
    }

    #[test]
    fn words_texts_and_comments_are_told_apart() {
        let found = tokens(r#"box a 1,2 "say \"hi\" # here" # a comment"#).unwrap();
        let word = |text: &str| Token::Word(text.into());
        assert_eq!(
            found,
            [word("box"), word("a"), word("1,2"), Token::Text(r#"say "hi" # here"#.into())]
        );
        assert!(tokens(r#"box "open"#).is_err());
        assert!(tokens(r#"box "a \n b""#).is_err());
    }

    #[test]
    fn a_bad_line_is_reported_with_its_number() {
        let cases = [
            ("box a 1,1 8x4 \"A\"\nbox a 20,1 8x4 \"B\"", 4, "already a box"),
            ("box a 1,1 8x4 \"A\nbox b", 3, "no closing"),
            ("circle a 1,1", 3, "unknown statement `circle`"),
            ("box a 1,1 8x4 \"A\"\narrow a -> b", 4, "no box `b`"),
            (
                "box a 1,1 8x4 \"A\"\nbox b 1,10 8x4 \"B\"\narrow a -> b sideways",
                5,
                "unknown flag `sideways`",
            ),
            ("box a one,1 8x4 \"A\"", 3, "`one` is not a whole number"),
            ("box a 1,1 8x4 round \"A\"", 3, "unknown flag `round`"),
            ("box a 1,1 8x4 \"A\" new", 3, "comes after the text"),
            ("box a 1,1 8x4", 3, "needs its name"),
            ("box a 1,1 8x4 stack=1 \"A\"", 3, "2 or more"),
            ("box a 1,1 8x4 \"A\"\nbox b 5,3 8x4 \"B\"", 4, "`b` overlaps `a` (line 3)"),
            ("box a 1,1 5x4 \"A very long name\"", 3, "units wide or more"),
            ("box a 1,1 12x2 \"A\" \"two lines\"", 3, "units high or more"),
            ("box a 35,1 8x4 \"A\"", 3, "does not fit in the canvas"),
            (
                "box a 1,1 8x4 \"A\"\nbox b 1,20 8x4 \"B\"\nbox c 1,10 8x4 \"C\"\narrow a -> b",
                6,
                "crosses box `c` (line 5)",
            ),
            ("box a 1,1 8x4 \"A\"\nnote 2,2 \"over a box\"", 4, "covers box `a`"),
            (
                "box a 1,1 8x4 \"A\"\nbox b 1,20 8x4 \"B\"\narrow a -> b at=2,10 \"a\"\nnote 2,10 \"b\"",
                6,
                "text of line 5",
            ),
        ];
        for (body, line, message) in cases {
            let (got_line, got_message) = error_of(&drawing(body));
            assert_eq!(got_line, line, "{body}: {got_message}");
            assert!(got_message.contains(message), "{body}: {got_message}");
        }
        assert_eq!(error_of("canvas 10 10").1, "no `title`: say what the drawing shows");
        assert_eq!(error_of("title \"t\"").1, "no `canvas`: give the drawing's width and height");
    }

    #[test]
    fn an_error_names_its_line() {
        assert_eq!(
            error(7, "no box `x` above this line").to_string(),
            "7: no box `x` above this line"
        );
    }

    #[test]
    fn arrows_turn_at_right_angles_halfway_between_the_fronts() {
        // `b` is below and right of `a`, a stack whose outline reaches 8 px
        // higher than its front: the arrow turns halfway between the fronts.
        let points = path_of("box a 1,1 8x4 \"A\"\nbox b 20,16 8x4 stack=3 \"B\"\narrow a -> b");
        assert_eq!(points, [(50.0, 50.0), (50.0, 105.0), (240.0, 105.0), (240.0, 152.0)]);
    }

    #[test]
    fn via_points_and_sides_shape_the_path() {
        let points = path_of(
            "box a 1,20 8x4 \"A\"\nbox b 1,1 8x4 \"B\"\narrow a.right -> b.right via 35,10",
        );
        assert_eq!(points, [(90.0, 220.0), (350.0, 220.0), (350.0, 30.0), (90.0, 30.0)]);
    }

    #[test]
    fn the_legend_shows_what_is_used() {
        let svg = render(&drawing(
            "box a 1,1 8x4 outside \"A\"\nbox b 1,20 8x4 new \"B\"\narrow a -> b net",
        ))
        .unwrap();
        for text in ["a thread", "outside the program", "new in this step", "a TCP connection"] {
            assert!(svg.contains(&format!(">{text}</text>")), "{text}");
        }
        for text in ["data, not a thread", "a channel", "starts a thread", "uses data"] {
            assert!(!svg.contains(&format!(">{text}</text>")), "{text}");
        }
    }

    #[test]
    fn text_is_escaped_and_code_is_monospace() {
        let svg = render(&drawing("box a 1,1 20x4 \"A & `Vec<u8>`\"")).unwrap();
        assert!(
            svg.contains(r#"A &amp; <tspan class="code">Vec&lt;u8&gt;</tspan></text>"#),
            "{svg}"
        );
    }

    #[test]
    fn text_is_measured_as_the_widest_common_sans_serif_draws_it() {
        assert_eq!(text_width("W", 10.0, false), 9.89);
        assert_eq!(text_width("W", 10.0, true), 11.03);
        assert_eq!(text_width("`ab`", 10.0, true), 12.04);
        assert_eq!(text_width("×", 10.0, false), 10.0);
    }

    #[test]
    fn coordinates_are_printed_the_same_way_every_time() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(7.5), "7.5");
    }
}
