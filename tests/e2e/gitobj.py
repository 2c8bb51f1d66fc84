#!/usr/bin/env python3
"""Write hostile git objects straight into a repository's object store
(loose objects: zlib over "type size\\0body", named by their SHA-1), far
faster than git can make them: a blob of N zero bytes, a tree nested N
deep, a tree of N entries naming one blob.  Prints the id made.

  gitobj.py GITDIR zeros N            a blob of N zero bytes
  gitobj.py GITDIR deep N NAME BLOB   N trees, each holding the next as
                                      NAME, the last holding BLOB as
                                      NAME.md
  gitobj.py GITDIR many N BLOB        one tree: N entries a0.md..., all BLOB
"""
import hashlib, os, sys, zlib

def write(gitdir, kind, body_chunks, size):
    h = hashlib.sha1()
    z = zlib.compressobj(1)
    head = b"%s %d\0" % (kind, size)
    h.update(head)
    out = [z.compress(head)]
    for c in body_chunks:
        h.update(c)
        out.append(z.compress(c))
    out.append(z.flush())
    oid = h.hexdigest()
    d = os.path.join(gitdir, "objects", oid[:2])
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, oid[2:])
    if not os.path.exists(p):
        with open(p, "wb") as f:
            for c in out:
                f.write(c)
    return oid

def treebody(entries):
    return b"".join(b"%s %s\0" % (mode, name.encode()) + bytes.fromhex(oid)
                    for mode, name, oid in sorted(entries, key=lambda e: e[1]))

def tree(gitdir, entries):
    body = treebody(entries)
    return write(gitdir, b"tree", [body], len(body))

def pack(gitdir, objs):
    """Many small objects at once: one pack file (indexed by git
    index-pack), not a file per object."""
    import struct, subprocess
    data = [b"PACK" + struct.pack(">II", 2, len(objs))]
    for kind, body in objs:
        n = len(body)
        c = (kind << 4) | (n & 15)
        n >>= 4
        head = bytearray()
        while n:
            head.append(c | 0x80)
            c = n & 0x7f
            n >>= 7
        head.append(c)
        data.append(bytes(head) + zlib.compress(body, 1))
    raw = b"".join(data)
    raw += hashlib.sha1(raw).digest()
    d = os.path.join(gitdir, "objects", "pack")
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, "pack-hostile-%d-%d.pack" % (os.getpid(), len(objs)))
    with open(p, "wb") as f:
        f.write(raw)
    subprocess.run(["git", "--git-dir", gitdir, "index-pack", p],
                   check=True, stdout=subprocess.DEVNULL)

def main():
    gitdir, what = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3])
    if what == "zeros":
        chunk = bytes(1 << 20)
        def chunks():
            left = n
            while left > 0:
                k = min(left, len(chunk))
                yield chunk[:k]
                left -= k
        print(write(gitdir, b"blob", chunks(), n))
    elif what == "deep":
        name, blob = sys.argv[4], sys.argv[5]
        objs = []
        body = treebody([(b"100644", name + ".md", blob)])
        for _ in range(n):
            objs.append((2, body))
            oid = hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()
            body = treebody([(b"40000", name, oid)])
        pack(gitdir, objs)
        print(oid)
    elif what == "many":
        blob = sys.argv[4]
        print(tree(gitdir, [(b"100644", "a%d.md" % i, blob) for i in range(n)]))

main()
