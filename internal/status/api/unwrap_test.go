package api

import "testing"

func TestUnwrap(t *testing.T) {
	tests := []struct{ in, want string }{
		{"One line.", "One line."},
		{"A line broken\nby YAML's block scalar.\n", "A line broken by YAML's block scalar."},
		{"First paragraph\ngoes on.\n\nSecond one.", "First paragraph goes on.\n\nSecond one."},
		{"We are:\n- rolling back\n- watching\n", "We are:\n- rolling back\n- watching"},
		{"Steps:\n1. drain\n2. restart", "Steps:\n1. drain\n2. restart"},
		{"  indented\n  lines  \n\n\n\nafter gaps", "indented lines\n\nafter gaps"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := unwrap(tt.in); got != tt.want {
			t.Errorf("unwrap(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
