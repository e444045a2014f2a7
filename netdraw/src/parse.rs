//! Reading a source: a statement a line, a keyword, its words, its texts.

use std::iter;

use crate::{Arrow, Drawing, End, Error, GRID, Kind, LEGEND, Legend, Look, Node, Note, Point};
use crate::{Rect, Side, error};

/// A piece of a source line: a bare word (a keyword, a name, a number, a
/// flag), or a quoted text to draw.
#[derive(Debug, PartialEq)]
pub(crate) enum Token {
    Word(String),
    Text(String),
}

/// Reads a whole source.
pub(crate) fn parse(source: &str) -> Result<Drawing, Error> {
    let mut drawing = Drawing::default();
    for (index, text) in source.lines().enumerate() {
        tokens(text)
            .and_then(|tokens| statement(&mut drawing, &tokens, index + 1))
            .map_err(|message| error(index + 1, message))?;
    }
    if drawing.title.is_empty() {
        return Err(error(0, "no `title`: say what the drawing shows"));
    }
    if drawing.canvas.w == 0.0 {
        return Err(error(0, "no `canvas`: give the drawing's width and height"));
    }
    Ok(drawing)
}

/// Cuts a line into tokens; `#` outside a text ends it.
pub(crate) fn tokens(line: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '#' {
            break;
        } else if c == '"' {
            let mut text = String::new();
            loop {
                match chars.next().ok_or("a text has no closing `\"`")? {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some(escaped @ ('"' | '\\')) => text.push(escaped),
                        _ => return Err("in a text, `\\` comes only before `\"` or `\\`".into()),
                    },
                    other => text.push(other),
                }
            }
            tokens.push(Token::Text(text));
        } else if !c.is_whitespace() {
            let rest =
                iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '"' && *c != '#'));
            tokens.push(Token::Word(iter::once(c).chain(rest).collect()));
        }
    }
    Ok(tokens)
}

/// Reads one statement into the drawing.
fn statement(drawing: &mut Drawing, tokens: &[Token], line: usize) -> Result<(), String> {
    let Some((first, rest)) = tokens.split_first() else { return Ok(()) };
    let Token::Word(keyword) = first else {
        return Err("a statement starts with a keyword".into());
    };
    // Words come first, and texts end the statement.
    let (mut words, mut texts) = (Vec::new(), Vec::new());
    for token in rest {
        match token {
            Token::Word(word) if texts.is_empty() => words.push(word.as_str()),
            Token::Word(word) => {
                return Err(format!("`{word}` comes after the text; put it before"));
            }
            Token::Text(text) => texts.push(text.clone()),
        }
    }
    match (keyword.as_str(), &words[..], &texts[..]) {
        ("title", [], [title]) if !title.is_empty() => drawing.title = title.clone(),
        ("canvas", [w, h], []) => {
            drawing.canvas = Rect { w: grid(w)?, h: grid(h)?, ..Rect::default() }
        }
        ("legend", [word], [text]) if !text.is_empty() => {
            let entry = legend_entry(word).ok_or_else(|| format!("no legend entry `{word}`"))?;
            drawing.renamed.push((entry, text.clone()));
        }
        ("box", _, []) => return Err("a box needs its name as a text".into()),
        ("box" | "frame", [id, ..], _) if drawing.nodes.iter().any(|node| node.id == *id) => {
            return Err(format!("`{id}` is already a box"));
        }
        ("box" | "frame", ..) => drawing.nodes.push(node(keyword, &words, texts, line)?),
        ("arrow", ..) => drawing.arrows.push(arrow(&drawing.nodes, &words, texts, line)?),
        ("note", [at], [_, ..]) => drawing.notes.push(Note { at: point(at)?, lines: texts, line }),
        _ => return Err(expected(keyword)),
    }
    Ok(())
}

/// What is wrong with a statement that does not match the form of its keyword.
fn expected(keyword: &str) -> String {
    let form = match keyword {
        "title" => "title \"TEXT\"",
        "canvas" => "canvas WIDTH HEIGHT",
        "legend" => "legend ENTRY \"TEXT\"",
        "box" => "box ID X,Y WxH FLAGS \"NAME\" \"TEXT\" …",
        "frame" => "frame ID X,Y WxH \"LABEL\" …",
        "arrow" => "arrow FROM -> TO FLAGS \"TEXT\" …",
        "note" => "note X,Y \"TEXT\" …",
        _ => return format!("unknown statement `{keyword}`"),
    };
    format!("expected `{form}`")
}

/// The legend entry a word names; it is also the flag that gives it.
fn legend_entry(word: &str) -> Option<Legend> {
    LEGEND.iter().find(|(_, key, _)| *key == word).map(|&(entry, ..)| entry)
}

/// A length in grid units, as pixels.
fn grid(word: &str) -> Result<f64, String> {
    let units: u16 = word.parse().map_err(|_| format!("`{word}` is not a whole number"))?;
    Ok(f64::from(units) * GRID)
}

/// `X,Y` in grid units, as pixels.
fn point(word: &str) -> Result<Point, String> {
    let (x, y) = word.split_once(',').ok_or_else(|| format!("`{word}` is not a point X,Y"))?;
    Ok(Point { x: grid(x)?, y: grid(y)? })
}

/// `box ID X,Y WxH FLAGS "NAME" "TEXT" …` or `frame ID X,Y WxH "LABEL" …`.
fn node(keyword: &str, words: &[&str], lines: Vec<String>, line: usize) -> Result<Node, String> {
    let [id, at, size, ref flags @ ..] = *words else { return Err(expected(keyword)) };
    let frame = keyword == "frame";
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(format!("`{id}` is not a name: use letters, digits, `_` and `-`"));
    }
    let at = point(at)?;
    let (w, h) = size.split_once('x').ok_or_else(|| format!("`{size}` is not a size WxH"))?;
    let rect = Rect { x: at.x, y: at.y, w: grid(w)?, h: grid(h)? };
    let look = if frame { Look::Frame } else { Look::Thread };
    let mut node = Node { id: id.to_string(), rect, look, new: false, layers: 1, lines, line };
    for &flag in flags {
        match (legend_entry(flag), flag.strip_prefix("stack=").map(str::parse::<u32>)) {
            _ if frame => return Err(format!("a frame takes no flag `{flag}`")),
            (Some(Legend::New), _) => node.new = true,
            (Some(Legend::Look(look)), _) => node.look = look,
            (_, Some(Ok(layers))) if layers >= 2 => node.layers = layers,
            (_, Some(_)) => return Err(format!("`{flag}`: a stack has 2 or more instances")),
            _ => return Err(format!("unknown flag `{flag}`")),
        }
    }
    Ok(node)
}

/// `arrow FROM -> TO FLAGS "TEXT" …`.
fn arrow(nodes: &[Node], words: &[&str], lines: Vec<String>, line: usize) -> Result<Arrow, String> {
    let [from, "->", to, ref flags @ ..] = *words else { return Err(expected("arrow")) };
    let (from, to) = (end(nodes, from)?, end(nodes, to)?);
    if from.node == to.node {
        return Err("an arrow joins two different boxes".into());
    }
    let (kind, via) = (Kind::Channel, Vec::new());
    let mut arrow = Arrow { from, to, kind, new: false, via, lines, side: None, at: None, line };
    let is_point = |word: &&str| word.contains(',') && !word.contains('=');
    let mut flags = flags.iter().copied().peekable();
    while let Some(flag) = flags.next() {
        match (legend_entry(flag), flag) {
            (Some(Legend::New), _) => arrow.new = true,
            (Some(Legend::Kind(kind)), _) => arrow.kind = kind,
            (_, "above" | "below" | "left" | "right") => arrow.side = Some(side(flag)?),
            (_, "via") if flags.peek().is_some_and(is_point) => {
                while let Some(word) = flags.next_if(is_point) {
                    arrow.via.push(point(word)?);
                }
            }
            (_, "via") => return Err("`via` needs one or more points X,Y".into()),
            _ => match flag.strip_prefix("at=") {
                Some(at) => arrow.at = Some(point(at)?),
                None => return Err(format!("unknown flag `{flag}`")),
            },
        }
    }
    Ok(arrow)
}

/// `ID`, `ID.SIDE` or `ID.SIDE:N`.
fn end(nodes: &[Node], word: &str) -> Result<End, String> {
    let (id, place) = word.split_once('.').map_or((word, None), |(id, place)| (id, Some(place)));
    let node = nodes.iter().position(|node| node.id == id);
    let node = node.ok_or_else(|| format!("no box `{id}` above this line"))?;
    let Some(place) = place else { return Ok(End { node, side: None, offset: None }) };
    let (side_word, offset) = place.split_once(':').map_or((place, None), |(s, n)| (s, Some(n)));
    Ok(End { node, side: Some(side(side_word)?), offset: offset.map(grid).transpose()? })
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
