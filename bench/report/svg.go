package main

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// The charts are plain SVG written here: a report must render on GitHub
// and in any browser without a plotting library or a network fetch.

// series is one named line or bar group of a chart.
type series struct {
	name   string
	points []point
}

type point struct{ x, y float64 }

// palette: one colour per series, nqdb first.
var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"}

const (
	chartW, chartH         = 640, 360
	marginL, marginR       = 70, 20
	marginTop, marginBelow = 40, 60
)

// niceMax rounds v up to 1, 2 or 5 times a power of ten, for the y axis.
func niceMax(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func fmtTick(v float64) string {
	if v >= 1000 && math.Mod(v, 1000) == 0 {
		return strconv.FormatFloat(v/1000, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// frame writes the SVG header, title, axes, y grid and labels, and
// returns the y-to-pixel mapping.
func frame(b *strings.Builder, title, xLabel, yLabel string, yMax float64) func(float64) float64 {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		chartW, chartH, chartW, chartH)
	fmt.Fprintf(b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(b, `<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", marginL, html.EscapeString(title))
	plotH := float64(chartH - marginTop - marginBelow)
	y := func(v float64) float64 { return float64(chartH-marginBelow) - v/yMax*plotH }
	for i := 0; i <= 5; i++ {
		v := yMax * float64(i) / 5
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", marginL, chartW-marginR, y(v), y(v))
		fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", marginL-6, y(v)+4, fmtTick(v))
	}
	fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>`+"\n", marginL, chartW-marginR, chartH-marginBelow, chartH-marginBelow)
	fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>`+"\n", marginL, marginL, marginTop, chartH-marginBelow)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", (marginL+chartW-marginR)/2, chartH-18, html.EscapeString(xLabel))
	fmt.Fprintf(b, `<text transform="translate(16,%d) rotate(-90)" text-anchor="middle">%s</text>`+"\n", (marginTop+chartH-marginBelow)/2, html.EscapeString(yLabel))
	return y
}

func legend(b *strings.Builder, names []string) {
	x := chartW - marginR - 150
	for i, n := range names {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`+"\n", x, marginTop+i*18, palette[i%len(palette)])
		fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`+"\n", x+18, marginTop+i*18+11, html.EscapeString(n))
	}
}

// lineChart draws each series as a polyline with dots. With categorical
// set, the x values are placed evenly in the order of the first series
// (client counts 1, 8, 32 read better that way than on a linear axis).
// yTop fixes the top of the y axis (100 for a percentage); 0 picks it from
// the data.
func lineChart(title, xLabel, yLabel string, ss []series, categorical bool, yTop float64) string {
	var b strings.Builder
	xMin, xMax, yMax := math.Inf(1), math.Inf(-1), 0.0
	for _, s := range ss {
		for _, p := range s.points {
			xMin, xMax, yMax = math.Min(xMin, p.x), math.Max(xMax, p.x), math.Max(yMax, p.y)
		}
	}
	yMax = niceMax(yMax * 1.05)
	if yTop > 0 {
		yMax = yTop
	}
	y := frame(&b, title, xLabel, yLabel, yMax)
	plotW := float64(chartW - marginL - marginR - 20)
	var cats []float64
	if categorical && len(ss) > 0 {
		for _, p := range ss[0].points {
			cats = append(cats, p.x)
		}
	}
	x := func(v float64) float64 {
		if categorical {
			for i, c := range cats {
				if c == v {
					return float64(marginL+10) + plotW*(float64(i)+0.5)/float64(len(cats))
				}
			}
		}
		if xMax == xMin {
			return float64(marginL+10) + plotW/2
		}
		return float64(marginL+10) + (v-xMin)/(xMax-xMin)*plotW
	}
	// x ticks: the categories, or five even steps.
	ticks := cats
	if !categorical && !math.IsInf(xMin, 0) {
		for i := 0; i <= 5; i++ {
			ticks = append(ticks, xMin+(xMax-xMin)*float64(i)/5)
		}
	}
	for _, t := range ticks {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x(t), chartH-marginBelow+16, fmtTick(math.Round(t*10)/10))
	}
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.name
		col := palette[i%len(palette)]
		var pts []string
		for _, p := range s.points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(p.x), y(p.y)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", col, strings.Join(pts, " "))
		if len(s.points) <= 30 {
			for _, p := range s.points {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s: %s</title></circle>`+"\n",
					x(p.x), y(p.y), col, html.EscapeString(s.name), fmtTick(p.y))
			}
		}
	}
	legend(&b, names)
	b.WriteString("</svg>\n")
	return b.String()
}

// barChart draws grouped bars: one group per category, one bar per
// series (the series' points are in category order, x ignored).
func barChart(title, yLabel string, cats []string, ss []series) string {
	var b strings.Builder
	yMax := 0.0
	for _, s := range ss {
		for _, p := range s.points {
			yMax = math.Max(yMax, p.y)
		}
	}
	yMax = niceMax(yMax * 1.05)
	y := frame(&b, title, "", yLabel, yMax)
	plotW := float64(chartW - marginL - marginR)
	groupW := plotW / float64(max(len(cats), 1))
	barW := groupW * 0.8 / float64(max(len(ss), 1))
	for ci, c := range cats {
		gx := float64(marginL) + groupW*float64(ci) + groupW*0.1
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", gx+groupW*0.4, chartH-marginBelow+16, html.EscapeString(c))
		for si, s := range ss {
			if ci >= len(s.points) {
				continue
			}
			v := s.points[ci].y
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>`+"\n",
				gx+barW*float64(si), y(v), barW-2, y(0)-y(v), palette[si%len(palette)], html.EscapeString(s.name), html.EscapeString(c), fmtTick(v))
		}
	}
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.name
	}
	legend(&b, names)
	b.WriteString("</svg>\n")
	return b.String()
}
