#!/usr/bin/env python3
# Run: python3 assets/make-icon.py assets/icon.png
# Draws the EmbedWs package icon: a blue rounded square with two opposing white arrows
# (messages both ways). 128x128 RGBA, 4x4 supersampled edges, no metadata chunks.
import struct, zlib, sys
N, S = 128, 4
BG = (0x1f, 0x6f, 0xeb)
def inside_round_rect(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r); cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1
def in_arrow(x, y, yc, right):
    # shaft 64 long, 10 thick; head a triangle 24 wide, 30 tall
    if not right: x = 128 - x
    if 30 <= x <= 78 and abs(y - yc) <= 5: return True
    if 74 <= x <= 100:
        half = 15 * (100 - x) / 26
        return abs(y - yc) <= half
    return False
rows = []
for py in range(N):
    row = bytearray([0])
    for px in range(N):
        bg = fg = 0
        for sy in range(S):
            for sx in range(S):
                x = px + (sx + 0.5) / S; y = py + (sy + 0.5) / S
                if inside_round_rect(x, y, 4, 4, 124, 124, 24):
                    bg += 1
                    if in_arrow(x, y, 48, True) or in_arrow(x, y, 80, False): fg += 1
        a = bg / (S * S); f = fg / bg if bg else 0
        rgb = [round(c * (1 - f) + 255 * f) for c in BG]
        row += bytes(rgb + [round(a * 255)])
    rows.append(bytes(row))
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', N, N, 8, 6, 0, 0, 0)) \
    + chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b'')
open(sys.argv[1], 'wb').write(png)
