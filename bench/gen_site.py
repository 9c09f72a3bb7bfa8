#!/usr/bin/python3
"""Writes the crawl benchmark's static site: N linked HTML pages, deterministic for a seed.

gen_site.py DIR N [SEED]

DIR/index.html links to the first pages; DIR/robots.txt allows everything; pages live in
DIR/s/DDD/NNNNN.html (100 pages a folder), 10-31 KB each, with 10-20 links: to the next page (so a
recursive crawl from index.html reaches every page), plus random pages of the site, written as
relative ("../012/01234.html"), root-relative ("/s/012/01234.html") and "#fragment" variants of
the same page (which a crawler must de-duplicate). Also writes DIR/urls.txt:
the root-relative paths of all pages, one a line, for URL-list runs (prefix them with the origin).
"""
import os
import random
import sys

WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore "
         "et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip "
         "ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla "
         "pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim "
         "id est laborum green loom thread spawn join pool crawl fetch resolve").split()


def path_of(i):
    return f"/s/{i // 100:03d}/{i:05d}.html"


def href(rng, src, dst):
    target = path_of(dst)
    style = rng.random()
    if style < 0.45:
        folder = f"{dst // 100:03d}"
        return f"{dst:05d}.html" if dst // 100 == src // 100 else f"../{folder}/{dst:05d}.html"
    if style < 0.9:
        return target
    return target + "#section-" + str(rng.randrange(5))


def paragraph(rng, size):
    words = []
    length = 0
    while length < size:
        w = rng.choice(WORDS)
        words.append(w)
        length += len(w) + 1
    return " ".join(words)


def page(rng, i, n):
    size = rng.randrange(10 * 1024, 31 * 1024)
    links = {(i + 1) % n}
    want = rng.randrange(10, 21)
    while len(links) < min(want, n - 1):
        j = rng.randrange(n)
        if j != i:
            links.add(j)
    anchors = [f'<li><a href="{href(rng, i, j)}">page {j}</a></li>' for j in sorted(links)]
    head = (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Page {i}</title></head>\n"
            f"<body><h1>Page {i}</h1>\n<ul>\n" + "\n".join(anchors) + "\n</ul>\n")
    tail = "</body></html>\n"
    body = []
    room = size - len(head) - len(tail)
    while room > 80:
        p = paragraph(rng, min(room - 8, rng.randrange(400, 1600)))
        body.append(f"<p>{p}</p>\n")
        room -= len(p) + 8
    return head + "".join(body) + tail


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
    rng = random.Random(seed)
    for i in range(n):
        path = out + path_of(i)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(page(rng, i, n))
    with open(os.path.join(out, "index.html"), "w") as f:
        f.write("<!DOCTYPE html>\n<html><head><title>bench site</title></head><body><ul>\n")
        f.write("".join(f'<li><a href="{path_of(i)}">page {i}</a></li>\n' for i in range(min(n, 10))))
        f.write("</ul></body></html>\n")
    with open(os.path.join(out, "robots.txt"), "w") as f:
        f.write("User-agent: *\nAllow: /\n")
    with open(os.path.join(out, "urls.txt"), "w") as f:
        f.write("".join(path_of(i) + "\n" for i in range(n)))


if __name__ == "__main__":
    main()
