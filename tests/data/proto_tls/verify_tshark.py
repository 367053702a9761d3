#!/usr/bin/env python3
"""Checks proto_tls against tshark 4.0 on every ClientHello of the shared captures.

Not run by the build (it needs tshark and the captures).  Usage, from the
repository root with a configured build tree:
    python3 tests/data/proto_tls/verify_tshark.py [substring-of-capture ...]
For each ClientHello tshark finds (-Y tls.handshake.type==1) it compares
tls.handshake.ja3 and the SNI with tls_parse_stream() on the frame's TCP
payload alone (seg1), on the client stream reassembled in order (reasm), or
with tls_parse_handshake() on the client's decrypted QUIC CRYPTO stream
(quic), and prints every disagreement and a tally.
"""
import ctypes, glob, json, os, subprocess, sys, tempfile
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
PCAPS = os.environ.get('PCAPS', '/work/shared/pcaps')
BUILD = os.environ.get('BUILD', os.path.join(ROOT, 'build'))
HARNESS = r"""
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "proto_tls.h"

static struct tls_scratch *S;

const char *h_parse(const unsigned char *p, size_t len, int quic);

const char *
h_parse(const unsigned char *p, size_t len, int quic)
{
	static char out[2048];
	struct tls_hello h;
	size_t need = 0, i, o;
	enum tls_status st;

	if (S == NULL)
		S = tls_scratch_create();
	st = quic ? tls_parse_handshake(p, len, &h, &need, S) :
	    tls_parse_stream(p, len, &h, &need, S);
	o = (size_t)snprintf(out, sizeof(out), "%s\t%zu\t%s\t%s\t%s\t%u\t%u\t",
	    tls_status_str(st), need, st == TLS_MALFORMED ? tls_defect_str(h.defect) : "-",
	    h.ja3, h.ja4, h.has_sni, h.sni_len);
	for (i = 0; h.has_sni && i < h.sni_len && i < TLS_SNI_MAX && o < sizeof(out) - 8; i++) {
		unsigned char ch = h.sni[i];
		if (ch > 32 && ch < 127 && ch != '\\')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, 8, "\\x%02x", ch);
	}
	out[o] = 0;
	snprintf(out + o, sizeof(out) - o, "\t%s\t%u\t%u", h.alpn_count ? (char *)h.alpn[0] : "", h.records, h.has_ech);
	return out;
}
"""
tmp = tempfile.mkdtemp()
open(os.path.join(tmp, 'harness.c'), 'w').write(HARNESS)
subprocess.run(['gcc', '-std=gnu11', '-shared', '-fPIC', '-O1', '-I' + BUILD,
                '-I' + os.path.join(ROOT, 'src'), os.path.join(ROOT, 'src', 'proto_tls.c'),
                os.path.join(tmp, 'harness.c'), '-lcrypto', '-o', os.path.join(tmp, 'libh.so')], check=True)
lib = ctypes.CDLL(os.path.join(tmp, 'libh.so'))
lib.h_parse.restype = ctypes.c_char_p
lib.h_parse.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]

def parse(b, quic):
    return lib.h_parse(b, len(b), quic).decode('latin1').split('\t')

def tshark(args):
    return subprocess.run(['tshark', '-r'] + args, capture_output=True, text=True).stdout

files = sorted(glob.glob(PCAPS + '/public/*') + glob.glob(PCAPS + '/crafted/*') + glob.glob(PCAPS + '/lab/*.pcap'))
only = sys.argv[1:]
if only: files = [f for f in files if any(o in f for o in only)]
rows = []   # (file, frame, kind, tshark_ja3, tshark_sni, ours...)
for f in files:
    rel = os.path.relpath(f, PCAPS)
    ref = {}
    for line in tshark([f, '-Y', 'tls.handshake.type==1', '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.ja3', '-e', 'tls.handshake.extensions_server_name', '-e', 'udp.srcport', '-e', 'tcp.srcport']).splitlines():
        c = line.split('\t')
        ref[int(c[0])] = (c[1], c[2], c[3] != '' and c[4] == '')
    if not ref:
        continue
    # --- TCP: each segment alone, and in-order reassembly per direction
    single = {}; reasm = {}
    bufs = {}
    out = tshark([f, '-Y', 'tcp.len>0', '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'tcp.srcport', '-e', 'tcp.seq', '-e', 'tcp.payload'])
    for line in out.splitlines():
        c = line.split('\t')
        if len(c) < 5 or not c[4]:
            continue
        fr, stream, sport, seq, pay = int(c[0]), c[1], c[2], int(c[3]), bytes.fromhex(c[4].replace(':', ''))
        single[fr] = parse(pay, 0)
        k = (stream, sport)
        st = bufs.setdefault(k, {'segs': {}, 'done': False})
        if st['done']:
            continue
        st['segs'][seq] = pay
        # contiguous prefix from the lowest seq seen
        base = min(st['segs'])
        data = bytearray(); pos = base
        while True:
            nxt = [s for s in st['segs'] if s <= pos and s + len(st['segs'][s]) > pos]
            if not nxt: break
            s = max(nxt, key=lambda s: s + len(st['segs'][s]))
            data += st['segs'][s][pos - s:]
            pos = s + len(st['segs'][s])
            if len(data) > 70000: break
        r = parse(bytes(data), 0)
        if r[0] in ('ok', 'malformed', 'too-big', 'not-tls'):
            st['done'] = True
            if r[0] != 'not-tls':
                reasm[fr] = r
    # --- QUIC: CRYPTO frames per (udp stream, source port, scid)
    quic = {}
    if any(v[2] for v in ref.values()):
        js = tshark([f, '-Y', 'quic.crypto.offset', '-T', 'json', '-x', '-J', 'frame udp quic'])
        def pairs(x): return x
        pk = json.loads(js, object_pairs_hook=pairs) if js.strip() else []
        def walk(o, acc):
            if isinstance(o, list) and all(isinstance(e, tuple) for e in o):
                d = {}
                for k, v in o:
                    d.setdefault(k, []).append(v)
                if 'quic.crypto.offset' in d and 'quic.crypto.crypto_data_raw' in d:
                    acc.append((int(d['quic.crypto.offset'][0]), bytes.fromhex(d['quic.crypto.crypto_data_raw'][0][0])))
                for k, v in o:
                    if k == 'quic.scid': acc_scid.append(v)
                    walk(v, acc)
            elif isinstance(o, list):
                for e in o: walk(e, acc)
        cbufs = {}
        for p in pk:
            d = dict(p)
            layers = dict(dict(p)['_source'])['layers']
            L = dict(layers)
            fr = int(dict(L['frame'])['frame.number'])
            udp = dict(L['udp'])
            acc = []; acc_scid = []
            for k, v in layers:
                if k == 'quic': walk(v, acc)
            key = (udp['udp.stream'], udp['udp.srcport'], acc_scid[0] if acc_scid else '')
            cb = cbufs.setdefault(key, {'data': {}, 'done': False})
            if cb['done']: continue
            for off, b in acc:
                for i, x in enumerate(b):
                    cb['data'][off + i] = x
            n = 0
            while n in cb['data']: n += 1
            blob = bytes(cb['data'][i] for i in range(n))
            if not blob: continue
            r = parse(blob, 1)
            if r[0] in ('ok', 'malformed', 'too-big', 'not-tls'):
                cb['done'] = True
                if r[0] != 'not-tls':
                    quic[fr] = r
    for fr, (ja3, sni, isquic) in sorted(ref.items()):
        if isquic:
            kind, r = 'quic', quic.get(fr)
        elif fr in single and single[fr][0] == 'ok':
            kind, r = 'seg1', single[fr]
        else:
            kind, r = 'reasm', reasm.get(fr)
        rows.append((rel, fr, kind, ja3, sni, r))

import collections
cnt = collections.Counter()
for rel, fr, kind, ja3, sni, r in rows:
    if r is None:
        res = 'MISSING'
    elif r[0] != 'ok':
        res = 'STATUS-' + r[0] + '-' + r[2]
    elif r[3] == ja3 and (sni == '' or sni == r[7]):
        res = 'match'
    else:
        res = 'MISMATCH'
    cnt[(kind, res)] += 1
    if res != 'match' or '-v' in os.environ.get('V', ''):
        print(rel, fr, kind, res, 'tshark:', ja3, sni, 'ours:', r and r[:9])
for k, v in sorted(cnt.items()):
    print(k, v)
