"""The archive room in a browser: the web application behind ``recordkit serve`` (pages) and its accounts."""
