// Package e2e holds end-to-end tests that drive real programs against a
// built site: headless Chromium loading the status page with JavaScript
// disabled, from a server on 127.0.0.1, with every other host behind a
// recording proxy. It has no code of its own.
package e2e
