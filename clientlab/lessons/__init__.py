"""Code that lessons run and show: kept in modules so it can be served in its own process."""
