"""One module per artifact format; each turns a stream into findings and never loads the artifact."""
