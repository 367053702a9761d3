# A minimal HTTP CONNECT proxy for the lab (one tunnel at a time).
import socket, select, sys
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("10.99.0.1", 3128)); srv.listen(4)
while True:
    c, _ = srv.accept()
    head = b""
    while b"\r\n\r\n" not in head:
        d = c.recv(4096)
        if not d: break
        head += d
    line = head.split(b"\r\n")[0].split()
    host, port = line[1].rsplit(b":", 1)
    u = socket.create_connection(("10.99.0.1", int(port)))
    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    rest = head.split(b"\r\n\r\n", 1)[1]
    if rest: u.sendall(rest)
    socks = [c, u]
    while True:
        r, _, _ = select.select(socks, [], [], 10)
        if not r: break
        done = False
        for s in r:
            d = s.recv(65536)
            if not d: done = True; break
            (u if s is c else c).sendall(d)
        if done: break
    c.close(); u.close()
