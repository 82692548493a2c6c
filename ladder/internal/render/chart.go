// Package render turns measurements into what readers see: the results
// table, the chart, and README.md's generated parts and transcripts.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/go-docker/go-docker/ladder/internal/measure"
)

// Chart renders out/compare.svg: image size and edit-rebuild time per rung,
// side by side, with the native edit floor of the production rung's
// program as a line.
func Chart(r measure.Report, production string) ([]byte, error) {
	names := make([]string, len(r.Rungs))
	sizes := make(plotter.Values, len(r.Rungs))
	edits := make(plotter.Values, len(r.Rungs))
	for i, g := range r.Rungs {
		names[i] = g.Name
		sizes[i] = float64(g.SizeBytes) / 1e6
		edits[i] = g.BuildS.Edit.Median
	}

	sizePlot, err := barPlot("Image size", "MB", names, sizes, color.RGBA{R: 0x1d, G: 0x63, B: 0xed, A: 0xff}, "%.3g MB")
	if err != nil {
		return nil, err
	}
	editPlot, err := barPlot(fmt.Sprintf("Rebuild after a one-line edit (median of %d)", r.Runs), "seconds", names, edits,
		color.RGBA{R: 0x0b, G: 0x8a, B: 0x5f, A: 0xff}, "%.1f s")
	if err != nil {
		return nil, err
	}
	// The native floor of the program the production rung builds.
	if len(r.Rungs) == 0 {
		return nil, errors.New("no rungs to chart")
	}
	if n, ok := productionNative(r, production); ok {
		floor := plotter.NewFunction(func(float64) float64 { return n.Edit.Median })
		floor.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		floor.Color = color.RGBA{R: 0xc0, A: 0xff}
		editPlot.Add(floor)
		editPlot.X.Label.Text = fmt.Sprintf("dashed line: native go build, %.1f s", n.Edit.Median)
	}

	const w, h = 11 * vg.Inch, 4 * vg.Inch
	canvas := vgsvg.New(w, h)
	dc := draw.New(canvas)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Inch / 3, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	plots := [][]*plot.Plot{{sizePlot, editPlot}}
	canvases := plot.Align(plots, tiles, dc)
	sizePlot.Draw(canvases[0][0])
	editPlot.Draw(canvases[0][1])

	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// barPlot is one half of the chart: a bar per rung, each labelled with
// its value, so the figure reads without the axis.
func barPlot(title, unit string, names []string, values plotter.Values, c color.Color, labelFormat string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = unit
	p.Y.Min = 0
	bars, err := plotter.NewBarChart(values, vg.Points(36))
	if err != nil {
		return nil, err
	}
	bars.Color = c
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(names...)

	labels := make([]string, len(values))
	xys := make(plotter.XYs, len(values))
	max := 0.0
	for i, v := range values {
		labels[i] = fmt.Sprintf(labelFormat, v)
		xys[i] = plotter.XY{X: float64(i), Y: v}
		if v > max {
			max = v
		}
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign = draw.XCenter
		l.TextStyle[i].YAlign = draw.YBottom
	}
	p.Add(l)
	p.Y.Max = max * 1.15
	return p, nil
}
