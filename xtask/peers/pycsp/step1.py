"""Step 1 of PyCSP's tutorial "A Scalable Webserver" ("Answer request on
port 8080"), as the tutorial writes it (shared/seeds/000_*.txt),
run on Python 3.11 with PyPI pycsp 0.9.2 as a benchmark peer.

Usage: PYTHONPATH=DIR python3 step1.py PORT   (0 = a free port)
Answers every GET, whatever its path, with "Hello from HTTPSocket".
Every change from the tutorial is marked `# changed:`.
"""

import collections, collections.abc  # changed: pycsp 0.9.2 uses collections.Callable,
collections.Callable = collections.abc.Callable  # which Python 3.10 removed
import os  # changed: pycsp's own channel server binds to all interfaces unless told
os.environ.setdefault('PYCSP_HOST', '127.0.0.1')  # changed: (see above) keep it on loopback
import socket  # changed: the tutorial uses socket without importing it
import sys  # changed: for the port argument

import pycsp

@pycsp.process
def HTTPsocket(sock):
    answer= 'HTTP/1.0 200 OK\nContent-Type: text/html\n\n'  # changed: the tutorial elides it as 'HTTP/1.0...'; the original's header

    conn, addr=sock
    req=conn.recv(256).decode('latin-1')  # changed: Python 3 sockets give bytes
    if req:
        lines = req.split('\n')
        for line in lines:
            line=line.split(' ')
            if line[0]=='GET':
                conn.sendall(answer.encode())  # changed: Python 3 sockets take bytes
                conn.sendall("Hello from HTTPSocket".encode());  # changed: bytes

    conn.shutdown(socket.SHUT_RDWR)
    conn.close()

@pycsp.process
def Entry():
    serversocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serversocket.bind(('127.0.0.1', int(sys.argv[1])))  # changed: was ('', 8080): loopback, port from argv
    serversocket.listen(1)
    print('listening on http://127.0.0.1:%d/' % serversocket.getsockname()[1], flush=True)  # changed: for the bench
    while True:
        s = serversocket.accept()
        pycsp.Spawn( HTTPsocket(s) )

pycsp.Parallel( Entry() )
