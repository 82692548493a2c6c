// Package lint holds static checks of the repository's files, run as unit
// tests: the catalogue of rungs agrees with the Makefile, the Dockerfiles,
// the README and the report schema; versions agree; links resolve.
package lint
