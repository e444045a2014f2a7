//! The benchmark's charts: a figure against the connection count, one line
//! per server, drawn as SVG with a legend and a caption saying where and when.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

/// The size of a chart, in pixels.
const SIZE: (u32, u32) = (900, 520);

/// The width of the legend, right of the plot.
const LEGEND_WIDTH: u32 = 190;

/// The height of the caption, under the plot: two lines.
const CAPTION_HEIGHT: u32 = 44;

/// One colour per server, in the order the lines come: nine of ours, six
/// peers, nginx in black and Python in grey last.
const COLOURS: [RGBColor; 15] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
    RGBColor(188, 189, 34),
    RGBColor(57, 59, 121),
    RGBColor(222, 158, 0),
    RGBColor(99, 121, 57),
    RGBColor(173, 73, 74),
    RGBColor(0, 0, 0),
    RGBColor(150, 150, 150),
];

/// A chart to draw.
pub struct Chart {
    /// Its title, above the plot.
    pub title: String,
    /// What the vertical axis shows, with its unit.
    pub y_label: &'static str,
    /// Whether the vertical axis is logarithmic: for figures that span powers of ten.
    pub log_y: bool,
    /// One line per server.
    pub lines: Vec<Line>,
}

/// One server's figures.
pub struct Line {
    /// The server's name, for the legend.
    pub name: &'static str,
    /// `(connections, figure)`, in order of connections.
    pub points: Vec<(f64, f64)>,
}

/// Draws `chart` into an SVG file, with `caption` under it, in two lines
/// if it has a `; `.
pub fn draw(path: &Path, chart: &Chart, caption: &str) -> Result<()> {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let (main, footer) = root.split_vertically(SIZE.1 - CAPTION_HEIGHT);
    let style = ("sans-serif", 16).into_font().color(&BLACK.mix(0.75));
    for (index, line) in caption.splitn(2, "; ").enumerate() {
        footer.draw_text(line, &style, (16, 4 + 18 * index as i32))?;
    }
    let (plot, legend) = main.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    let top = chart.lines.iter().flat_map(|line| &line.points).map(|&(_, y)| y).fold(0.0, f64::max);
    if chart.log_y {
        let bottom = chart
            .lines
            .iter()
            .flat_map(|line| &line.points)
            .map(|&(_, y)| y)
            .filter(|y| *y > 0.0)
            .fold(top, f64::min);
        let (low, high) = decades(bottom, top);
        plot_lines(&plot, chart, (low..high).log_scale().with_key_points(log_keys(low, high)))?;
    } else {
        plot_lines(&plot, chart, 0.0..top * 1.1)?;
    }
    draw_legend(&legend, &chart.lines)?;
    root.present()?;
    Ok(())
}

/// Draws the axes and the lines; the vertical axis is `y`, linear or logarithmic.
fn plot_lines<Y>(area: &DrawingArea<SVGBackend, Shift>, chart: &Chart, y: Y) -> Result<()>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    // Connections double from one point to the next but one: a log scale spaces them evenly.
    let x = (0.8..320.0).log_scale().with_key_points(vec![1.0, 8.0, 16.0, 64.0, 256.0]);
    let mut context = ChartBuilder::on(area)
        .caption(&chart.title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(46)
        .y_label_area_size(72)
        .build_cartesian_2d(x, y)?;
    context
        .configure_mesh()
        .x_desc("connections at once (wrk -c)")
        .y_desc(chart.y_label)
        .x_label_formatter(&|connections| format!("{connections}"))
        .y_label_formatter(&|value| short(*value))
        .label_style(("sans-serif", 14))
        .light_line_style(BLACK.mix(0.03))
        .axis_desc_style(("sans-serif", 16))
        .draw()?;
    for (line, colour) in chart.lines.iter().zip(COLOURS.iter().cycle()) {
        let style = colour.stroke_width(2);
        context.draw_series(LineSeries::new(line.points.clone(), style).point_size(3))?;
    }
    Ok(())
}

/// The legend: a stroke of each line's colour and its server's name.
fn draw_legend(area: &DrawingArea<SVGBackend, Shift>, lines: &[Line]) -> Result<()> {
    for (index, (line, colour)) in lines.iter().zip(COLOURS.iter().cycle()).enumerate() {
        let y = 70 + 26 * index as i32;
        area.draw(&PathElement::new(vec![(4, y), (32, y)], colour.stroke_width(3)))?;
        area.draw(&Text::new(line.name, (40, y - 8), ("sans-serif", 15)))?;
    }
    Ok(())
}

/// The powers of ten just below `low` and just above `high`, a decade apart at least.
fn decades(low: f64, high: f64) -> (f64, f64) {
    let low = if low > 0.0 { low } else { 1.0 };
    let floor = low.log10().floor();
    let ceil = high.log10().ceil().max(floor + 1.0);
    (10f64.powf(floor), 10f64.powf(ceil))
}

/// The labelled values of a logarithmic axis from `low` to `high`: 1, 2 and 5 times each power of ten.
fn log_keys(low: f64, high: f64) -> Vec<f64> {
    let mut keys = Vec::new();
    let mut decade = low;
    while decade < high * 1.001 {
        keys.extend(
            [decade, 2.0 * decade, 5.0 * decade].into_iter().filter(|key| *key <= high * 1.001),
        );
        decade *= 10.0;
    }
    keys
}

/// A value for an axis label: `25k` for 25,000, `0.5` for one half.
fn short(value: f64) -> String {
    // Rounded, so that 0.1 × 3 shows as 0.3.
    let rounded = |value: f64| (value * 1000.0).round() / 1000.0;
    if value >= 1000.0 {
        format!("{}k", rounded(value / 1000.0))
    } else {
        format!("{}", rounded(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_web_server_has_a_colour_of_its_own() {
        assert!(super::super::web_servers().count() <= COLOURS.len());
    }

    #[test]
    fn a_chart_is_an_svg_with_its_legend_and_caption() {
        let dir = testkit::TempDir::new().unwrap();
        let path = dir.path().join("chart.svg");
        for log_y in [false, true] {
            let lines = vec![
                Line { name: "fast", points: vec![(1.0, 3000.0), (16.0, 9000.0), (256.0, 8000.0)] },
                Line { name: "slow", points: vec![(1.0, 0.5), (16.0, 40.0)] },
            ];
            let chart = Chart { title: "Requests".into(), y_label: "requests/s", log_y, lines };
            draw(&path, &chart, "measured on a test; 1 s a load").unwrap();
            let svg = std::fs::read_to_string(&path).unwrap();
            let texts = ["<svg", "fast", "slow", "\nmeasured on a test\n", "\n1 s a load\n", "256"];
            for text in texts.into_iter().chain(["requests/s"]) {
                assert!(svg.contains(text), "no {text:?} in the chart");
            }
        }
    }

    #[test]
    fn a_log_axis_spans_whole_decades_labelled_1_2_5() {
        assert_eq!(decades(2.3, 66.7), (1.0, 100.0));
        assert_eq!(decades(3.0, 3.0), (1.0, 10.0));
        assert_eq!(log_keys(1.0, 100.0), [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]);
    }

    #[test]
    fn axis_labels_are_short() {
        assert_eq!(short(25000.0), "25k");
        assert_eq!(short(2500.0), "2.5k");
        assert_eq!(short(0.5), "0.5");
        assert_eq!(short(0.1 * 3.0), "0.3");
    }
}
