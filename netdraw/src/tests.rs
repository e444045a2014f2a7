//! The engine's tests, from the tokens of a line to the SVG of a drawing.

use super::*;
use crate::layout::{route, text_width};
use crate::parse::{Token, parse, tokens};
use crate::svg::num;

/// The example in the crate's README.
fn documented_example() -> String {
    let source = include_str!("../README.md");
    let start = source.find("```text\n").unwrap() + "```text\n".len();
    let end = start + source[start..].find("```\n").unwrap();
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
    assert!(svg.contains("<title id=\"title\">HelloWorld answers the HTTPsocket threads</title>"));
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
    assert_eq!(error(7, "no box `x` above this line").to_string(), "7: no box `x` above this line");
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
    let points =
        path_of("box a 1,20 8x4 \"A\"\nbox b 1,1 8x4 \"B\"\narrow a.right -> b.right via 35,10");
    assert_eq!(points, [(90.0, 220.0), (350.0, 220.0), (350.0, 30.0), (90.0, 30.0)]);
}

#[test]
fn the_legend_shows_what_is_used() {
    let svg =
        render(&drawing("box a 1,1 8x4 outside \"A\"\nbox b 1,20 8x4 new \"B\"\narrow a -> b net"))
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
    assert!(svg.contains(r#"A &amp; <tspan class="code">Vec&lt;u8&gt;</tspan></text>"#), "{svg}");
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
