// Package themes embeds bulletin's built-in themes, so the binary renders a
// complete site with nothing but content. A site overrides a theme file by
// placing a file with the same path in its own templates/ or
// themes/<name>/ directory.
package themes

import "embed"

// FS holds the built-in themes, one directory per theme, each with
// templates/ (html/template files) and static/ (copied to the output).
//
//go:embed all:default
var FS embed.FS
