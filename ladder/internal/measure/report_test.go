package measure

import (
	"testing"
)

func TestNewStats(t *testing.T) {
	tests := []struct {
		name    string
		samples []float64
		want    Stats
	}{
		{"one run", []float64{2.5}, Stats{Median: 2.5, Min: 2.5, Max: 2.5}},
		{"odd count", []float64{3, 1, 2}, Stats{Median: 2, Min: 1, Max: 3}},
		{"even count averages the middle two", []float64{4, 1, 2, 3}, Stats{Median: 2.5, Min: 1, Max: 4}},
		{"rounds to milliseconds", []float64{1.23456}, Stats{Median: 1.235, Min: 1.235, Max: 1.235}},
		{"no samples", nil, Stats{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewStats(tt.samples)
			if got.Median != tt.want.Median || got.Min != tt.want.Min || got.Max != tt.want.Max {
				t.Errorf("got %+v, want median %v min %v max %v", got, tt.want.Median, tt.want.Min, tt.want.Max)
			}
			if len(got.Samples) != len(tt.samples) {
				t.Errorf("samples: got %d, want %d kept in order", len(got.Samples), len(tt.samples))
			}
		})
	}
	in := []float64{3, 1, 2}
	NewStats(in)
	if in[0] != 3 {
		t.Error("NewStats sorted its caller's slice")
	}
}

func TestParseBuildKitVersion(t *testing.T) {
	out := "Name:          default\nDriver:        docker\n\nNodes:\nName:             default\nBuildKit version: v0.8+unknown\n"
	if got := ParseBuildKitVersion(out); got != "v0.8+unknown" {
		t.Errorf("got %q, want v0.8+unknown", got)
	}
	if got := ParseBuildKitVersion("nothing"); got != "unknown" {
		t.Errorf("got %q, want unknown", got)
	}
}
