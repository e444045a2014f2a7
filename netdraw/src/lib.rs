//! Draws networks of threads and channels as SVG from a small text format,
//! which `README.md` describes with the checks that refuse illegible drawings.

mod layout;
mod parse;
mod svg;

/// Pixels per grid unit, the unit of every position and size in a source.
const GRID: f64 = 10.0;

/// How far each instance of a stack is drawn behind the one in front of it,
/// and how many instances are drawn at most.
const STACK_STEP: f64 = 4.0;
const STACK_DRAWN: u32 = 3;

/// Renders a drawing's source to SVG, or says which line is wrong and why.
pub fn render(source: &str) -> Result<String, Error> {
    let drawing = parse::parse(source)?;
    let paths: Vec<Vec<Point>> =
        drawing.arrows.iter().map(|arrow| layout::route(&drawing.nodes, arrow)).collect();
    layout::check(&drawing, &paths)?;
    Ok(svg::svg(&drawing, &paths))
}

/// A problem with a source: the line it is on, and what it is.
#[derive(Debug, PartialEq)]
pub struct Error {
    /// The line, counted from 1; 0 for the drawing as a whole.
    line: usize,
    /// What is wrong.
    message: String,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

impl std::error::Error for Error {}

/// Makes an error on `line`.
fn error(line: usize, message: impl Into<String>) -> Error {
    Error { line, message: message.into() }
}

/// A whole drawing, in pixels.
#[derive(Default)]
struct Drawing {
    /// What it shows, for screen readers and as a tooltip.
    title: String,
    /// The drawing without its legend, which everything must fit in.
    canvas: Rect,
    /// Legend entries the source gives a text of its own.
    renamed: Vec<(Legend, String)>,
    /// Boxes and frames, in the order of the source; arrows name them by index.
    nodes: Vec<Node>,
    /// Channels, spawns, connections and uses, in the order of the source.
    arrows: Vec<Arrow>,
    /// Free texts.
    notes: Vec<Note>,
}

/// How a node looks, and what it stands for.
#[derive(Clone, Copy, PartialEq)]
enum Look {
    /// A thread: a plain box.
    Thread,
    /// A process of its own: a box with a double outline.
    Process,
    /// Data that threads share or own: a rounded box.
    Data,
    /// Something outside the program: a dashed box.
    Outside,
    /// A group of boxes: a dashed outline, its label at its bottom left.
    Frame,
}

/// A box or a frame.
struct Node {
    /// The name arrows use.
    id: String,
    /// The box in front (the whole outline, for a frame).
    rect: Rect,
    /// What it stands for.
    look: Look,
    /// Drawn as new in this step.
    new: bool,
    /// How many instances are drawn as a stack: 1 for a single box.
    layers: u32,
    /// Its text: the name first; a frame's label.
    lines: Vec<String>,
    /// Where it is in the source, for errors.
    line: usize,
}

impl Node {
    /// The outline of all its instances: a stack reaches up and right.
    fn bounds(&self) -> Rect {
        let behind = STACK_STEP * f64::from(self.layers.min(STACK_DRAWN) - 1);
        let front = self.rect;
        Rect { x: front.x, y: front.y - behind, w: front.w + behind, h: front.h + behind }
    }
}

/// What an arrow stands for: a channel, starting a thread, a TCP
/// connection, or a use of data.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Channel,
    Spawn,
    Net,
    Use,
}

/// An arrow from one node to another.
struct Arrow {
    /// Where it starts, and where its head is.
    from: End,
    to: End,
    /// What it stands for.
    kind: Kind,
    /// Drawn as new in this step.
    new: bool,
    /// Points it passes through, in order.
    via: Vec<Point>,
    /// Its text, the side of its longest segment that the text goes on if
    /// chosen, or the text's top left corner if placed by hand.
    lines: Vec<String>,
    side: Option<Side>,
    at: Option<Point>,
    /// Where it is in the source, for errors.
    line: usize,
}

/// One end of an arrow: a node, and optionally which side and where on it.
struct End {
    /// The node's index in [`Drawing::nodes`].
    node: usize,
    /// The side it meets; the one facing the other end if `None`.
    side: Option<Side>,
    /// Pixels from the top or left end of the side; its middle if `None`.
    offset: Option<f64>,
}

/// A side of a box, or of a segment for the text beside it.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

/// Free text.
struct Note {
    /// Its top left corner, its text, and where it is in the source.
    at: Point,
    lines: Vec<String>,
    line: usize,
}

/// An entry of the legend: a look of box, what is new, or a kind of arrow.
#[derive(Clone, Copy, PartialEq)]
enum Legend {
    Look(Look),
    New,
    Kind(Kind),
}

/// The legend's entries in the order it shows them, each with its word (the
/// flag that gives it, and the name `legend` renames it by) and its text.
const LEGEND: [(Legend, &str, &str); 9] = [
    (Legend::Look(Look::Thread), "thread", "a thread"),
    (Legend::Look(Look::Process), "process", "a process"),
    (Legend::Look(Look::Data), "data", "data, not a thread"),
    (Legend::Look(Look::Outside), "outside", "outside the program"),
    (Legend::New, "new", "new in this step"),
    (Legend::Kind(Kind::Channel), "channel", "a channel"),
    (Legend::Kind(Kind::Spawn), "spawn", "starts a thread"),
    (Legend::Kind(Kind::Net), "net", "a TCP connection"),
    (Legend::Kind(Kind::Use), "use", "uses data"),
];

/// A point, in pixels.
#[derive(Clone, Copy, PartialEq, Default)]
struct Point {
    /// How far right and down of the drawing's top left corner it is.
    x: f64,
    y: f64,
}

/// A rectangle, in pixels.
#[derive(Clone, Copy, PartialEq, Default)]
struct Rect {
    /// Its top left corner, its width and its height.
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    /// What a horizontal or vertical segment from `a` to `b` covers.
    fn span(a: Point, b: Point) -> Rect {
        Rect { x: a.x.min(b.x), y: a.y.min(b.y), w: (a.x - b.x).abs(), h: (a.y - b.y).abs() }
    }

    fn right(&self) -> f64 {
        self.x + self.w
    }

    fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// Whether the insides of the two rectangles share a point: a segment's
    /// span overlaps what it crosses, not what it runs along.
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
}

#[cfg(test)]
mod tests;
