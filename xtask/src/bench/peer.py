"""Python's threading http.server answering one fixed page: the benchmark's
peer that a student would reach for first. Usage: python3 peer.py PAGE_FILE

It listens on a free port of 127.0.0.1 and prints `listening on URL`, as the
workspace's servers do, so that `cargo xtask bench` starts it the same way.
"""

import http.server
import pathlib
import sys

PAGE = pathlib.Path(sys.argv[1]).read_bytes()


class FixedPage(http.server.BaseHTTPRequestHandler):
    """Answers every GET with PAGE, over HTTP/1.0, and logs nothing."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FixedPage)
print(f"listening on http://127.0.0.1:{server.server_address[1]}/", flush=True)
server.serve_forever()
