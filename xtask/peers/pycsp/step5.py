"""Step 5 of PyCSP's tutorial "A Scalable Webserver" ("Adding a pool of
HTTPsocket processes"), as the tutorial writes it (shared/seeds/000_*.txt),
run on Python 3.11 with PyPI pycsp 0.9.2 as a benchmark peer. Step 5 shows
only its new HTTPsocket and Entry; the services, the dispatcher and the
process network come from step 4 (Sleep5sec from step 3), as the tutorial
builds them.

Usage: PYTHONPATH=DIR python3 step5.py PORT   (0 = a free port)
/hello.html is HelloWorld, / and /index.html Index, /sleep.html Sleep5sec.
Every change from the tutorial is marked `# changed:`.
"""

import collections, collections.abc  # changed: pycsp 0.9.2 uses collections.Callable,
collections.Callable = collections.abc.Callable  # which Python 3.10 removed
import os  # changed: pycsp's own channel server binds to all interfaces unless told
os.environ.setdefault('PYCSP_HOST', '127.0.0.1')  # changed: (see above) keep it on loopback
import socket  # changed: the tutorial uses socket, sys and time without importing them
import sys  # changed: (see above)
import time  # changed: (see above)

import pycsp

# Step 3's Sleep5sec, step 4's HelloWorld and Dispatcher.

@pycsp.process
def Sleep5sec(id, register):  # changed: was (id, request): step 4 hands it the register channel
    req = pycsp.Channel()  # changed: so it registers itself, as step 4's HelloWorld does
    request = req.reader()  # changed: (see above)
    register(('/sleep.html', req.writer()))  # changed: (see above), under the original's path
    seconds = 5 
    while True:
        (request_string, cout) = request()
        s = "Process " + str(id)
        s += " is going to sleep for " +str(seconds) + " seconds"
        cout(s)
        time.sleep(seconds)

@pycsp.process
def Index(id, register):  # changed: added; step 4 starts Index but never shows it (written from the original's behaviour)
    req = pycsp.Channel()
    cin = req.reader()
    register(('/index.html', req.writer()))
    register(('/', req.writer()))
    while True:
        (request_string, cout) = cin()
        cout("Hello! You asked for " + request_string
             + "<br>See <a href='time.html'>time</a> or <a href='sleep.html?5'>sleep</a>"
             + "<br><br>Served by process " + str(id))

@pycsp.process
def HelloWorld(register):
    req = pycsp.Channel()
    cin = req.reader()
    register(('/hello.html', req.writer()))
    while True:
        (request_string, cout) = cin()
        cout("Hello World at " + time.strftime("%H:%M:%S", time.localtime()))

@pycsp.process
def Dispatcher(register, incoming_request):
    services = {}
    while True:
        pycsp.AltSelect(
           pycsp.InputGuard(register, action=add_service(services)),
           pycsp.InputGuard(incoming_request,
					action=dispatch(services))
        )

@pycsp.choice
def add_service(services, channel_input=None):
    (id, requestChEnd) = channel_input
    if id in services:  # changed: dict.has_key is gone in Python 3
        services[id].append(requestChEnd)
    else:
        services[id] = [requestChEnd]

@pycsp.choice
def dispatch(services, channel_input = None):
    (GET, resultChEnd) = channel_input
    if GET.find('?') != -1:
        service_id = GET[:GET.index('?')]
    else:
        service_id = GET

    # Dispatch to service by Alting on output ends.
    if service_id in services:  # changed: dict.has_key is gone in Python 3
        guards = []
        for req in services[service_id]:
            guards.append( pycsp.OutputGuard(req, msg=(GET, resultChEnd)) )  # changed: was a bare OutputGuard, a NameError
        pycsp.AltSelect(*guards)
    else:
        resultChEnd("Service '"+str(service_id)+"' not found!<br>")

# Step 5: a pool of HTTPsocket processes.

@pycsp.process
def HTTPsocket(getSocket, sendRequest):
    answer= 'HTTP/1.0 200 OK\nContent-Type: text/html\n\n'  # changed: fills the tutorial's [snip]:
    item = pycsp.Channel()  # the header the original sends and a channel
    itemOut = item.writer()  # for the service's answer
    itemIn = item.reader()
    while True:
        conn, addr= getSocket()
        req=conn.recv(256).decode('latin-1')  # changed: Python 3 sockets give bytes
        if not req:
            conn.close()
            continue  # changed: was `return`, which ends the worker: wrk (and browsers) open empty connections
        lines = req.split('\n')
        for line in lines:
            line=line.split(' ')
            if line[0]=='GET':
                conn.sendall(answer.encode())  # changed: Python 3 sockets take bytes
                sendRequest((line[1], itemOut))
                conn.sendall(itemIn().encode())  # changed: bytes
        conn.shutdown(socket.SHUT_RDWR)  # changed: the tutorial never closes a served socket, so no
        conn.close()  # reply ends; step 1's close (lines copied from it)

@pycsp.process
def Entry(dispatch):
    serversocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serversocket.bind(('127.0.0.1', int(sys.argv[1])))  # changed: was '': loopback only
    serversocket.listen(1)
    print('listening on http://127.0.0.1:%d/' % serversocket.getsockname()[1], flush=True)  # changed: for the bench

    socketChan = pycsp.Channel('Socket Channel')
    sendSocket = socketChan.writer()
    
    pycsp.Spawn(
        [ HTTPsocket(socketChan.reader(), dispatch) for i in range(8) ]
        )

    while True:
        s = serversocket.accept()
        sendSocket(s)

# Step 4's process network.

registerChan = pycsp.Channel('Register')  # changed: the tutorial never makes registerChan
requestChan = pycsp.Channel('Request')  # and requestChan, as step 2 makes it

pycsp.Parallel( 
    Entry(requestChan.writer()),
    Dispatcher(registerChan.reader(), requestChan.reader()),
    [ Sleep5sec(id, registerChan.writer()) for id in range(3) ],
    [Index(id, registerChan.writer()) for id in range(2)],
    HelloWorld(registerChan.writer()))
