import zlib from 'node:zlib';

/**
 * Next streams a page in parts and flushes its gzip stream after each (`res.flush()` in its
 * compression middleware). zlib's `flush()` defaults to a full flush, which also forgets all that
 * was compressed before it: the page's data, which repeats its HTML, then compresses as if alone
 * (/sessions: 5.7 kB on the wire, 4.1 kB gzipped whole). A sync flush sends the same bytes just as
 * soon and keeps the window. Only a flush called without a kind changes; one given a kind keeps it.
 */
export function keepWindowOnFlush() {
  for (const Stream of [zlib.Gzip, zlib.Deflate, zlib.DeflateRaw]) {
    const proto = Stream.prototype as zlib.Gzip & { flush: (...args: unknown[]) => void };
    const flush = proto.flush;
    proto.flush = function (this: zlib.Gzip, ...args: unknown[]) {
      if (args.length === 0 || typeof args[0] === 'function')
        return flush.call(this, zlib.constants.Z_SYNC_FLUSH, ...args);
      return flush.apply(this, args);
    };
  }
}
