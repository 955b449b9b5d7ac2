"""Output: tables on a TTY, TSV in a pipe, JSON on request; talk (progress, warnings) on stderr."""
