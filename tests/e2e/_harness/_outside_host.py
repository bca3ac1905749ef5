"""An "outside" host on the test internet, run inside a bot-bottle-test container.

A TCP listener (port from argv[1]) that answers any connection with a tiny HTTP response, and a
fake DNS resolver on UDP 53 that answers every A query with this host's own address. Both log
one JSON line per connection or query on stdout, so a test can prove a probe never arrived.
"""
import json
import socket
import struct
import sys
import threading

TCP_BODY = b"outside-host-ok\n"


def log(record):
    print(json.dumps(record), flush=True)


def own_address():
    # Docker writes the container's address for its hostname into /etc/hosts.
    return socket.gethostbyname(socket.gethostname())


def serve_tcp(server):
    while True:
        conn, peer = server.accept()
        log({"event": "tcp", "from": peer[0]})
        conn.settimeout(2)
        try:
            conn.recv(4096)
        except OSError:
            pass
        head = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
        try:
            conn.sendall(head % len(TCP_BODY) + TCP_BODY)
        except OSError:
            pass
        conn.close()


def question_name(packet):
    labels, offset = [], 12
    while offset < len(packet) and packet[offset] != 0:
        length = packet[offset]
        labels.append(packet[offset + 1:offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
    qtype = struct.unpack("!H", packet[offset + 1:offset + 3])[0]
    return ".".join(labels), qtype, offset + 5


def serve_dns(server, address):
    while True:
        packet, peer = server.recvfrom(4096)
        try:
            name, qtype, end = question_name(packet)
        except (IndexError, struct.error):
            continue
        log({"event": "dns", "name": name.lower(), "qtype": qtype, "from": peer[0]})
        answers = 1 if qtype == 1 else 0
        # Header: same id, QR + RD + RA, NOERROR, one question, `answers` answers.
        reply = packet[:2] + struct.pack("!HHHHH", 0x8180, 1, answers, 0, 0) + packet[12:end]
        if answers:
            reply += struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(address)
        server.sendto(reply, peer)


def main():
    address = own_address()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("0.0.0.0", 53))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("0.0.0.0", int(sys.argv[1])))
    tcp.listen(16)
    threading.Thread(target=serve_dns, args=(udp, address), daemon=True).start()
    # Logged only once both sockets are bound: the harness waits for this line.
    log({"event": "listening", "address": address})
    serve_tcp(tcp)


main()
