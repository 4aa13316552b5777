/**
 * `PdfDocument`: the strict reader a verifier needs. It reads the header, every cross-reference
 * section and trailer, groups them into incremental revisions (each ends at a `%%EOF`), and resolves
 * objects — in the file or in object streams — as of the final revision or of any earlier one.
 * Nothing is loaded but the tail, the sections and the objects asked for; caches are bounded.
 */
import { coreError, throwIfAborted } from '../errors.js';
import { decodeStream } from './filters.js';
import { Lexer, NeedMore } from './lexer.js';
import {
  isDict,
  isName,
  isRef,
  isStream,
  type PdfDict,
  type PdfObject,
  type PdfRef,
  type PdfStream,
  type PdfValue,
} from './objects.js';
import type { PdfSource } from './source.js';
import {
  LIMITS,
  readSections,
  type WindowReader,
  withWindow,
  type XrefEntry,
  type XrefSection,
} from './xref.js';

export interface PdfRevision {
  /** 0 for the original document, then one per incremental update. */
  readonly index: number;
  /** Where the revision's bytes end (after `%%EOF` and its end-of-line). */
  readonly end: number;
  /** Offset just past `%%EOF`. */
  readonly eofEnd: number;
  /** Its cross-reference sections (usually one). */
  readonly sections: readonly XrefSection[];
}

/** Where an object's current definition lives. */
export interface ObjectLocation {
  readonly num: number;
  readonly entry: XrefEntry;
  /** Revision whose cross-reference section defines it. */
  readonly revision: number;
}

const OBJECT_CACHE = 4096;
const OBJSTM_CACHE = 8;
const MAX_REF_DEPTH = 32;

export class PdfDocument implements WindowReader {
  readonly size: number;
  /** Newest first, as the /Prev chain gives them. */
  readonly chain: readonly XrefSection[];
  /** Oldest first, by position in the file. */
  readonly revisions: readonly PdfRevision[];
  /** Bytes after the last revision that are not white-space (data no cross-reference section covers). */
  readonly trailingData: { offset: number; length: number } | undefined;
  readonly version: string;
  private readonly revisionOf = new Map<XrefSection, number>();
  private readonly states = new Map<number, Map<number, ObjectLocation>>();
  private readonly objects = new Map<string, PdfObject>();
  private readonly objStreams = new Map<
    number,
    { data: Uint8Array; offsets: Map<number, number>; first: number }
  >();
  private readonly resolving = new Set<number>();

  private constructor(
    readonly source: PdfSource,
    init: { chain: XrefSection[]; version: string; trailing: { offset: number; length: number } | undefined },
  ) {
    this.size = source.size;
    this.chain = init.chain;
    this.version = init.version;
    this.trailingData = init.trailing;
    const byEnd = new Map<number, XrefSection[]>();
    for (const s of init.chain) byEnd.set(s.end, [...(byEnd.get(s.end) ?? []), s]);
    this.revisions = [...byEnd.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([end, sections], index) => {
        for (const s of sections) this.revisionOf.set(s, index);
        return { index, end, eofEnd: sections[0]!.eofEnd, sections };
      });
  }

  /** Opens a PDF: header, every cross-reference section, revisions. Throws PDF_* errors on malformed input. */
  static async open(source: PdfSource, options: { signal?: AbortSignal } = {}): Promise<PdfDocument> {
    throwIfAborted(options.signal);
    // §7.5.2: the header is %PDF-1.n (or 2.0) in the first line; allow up to 1 KiB of junk before it.
    const head = new TextDecoder('latin1').decode(await source.read(0, Math.min(1024, source.size)));
    const m = /%PDF-(\d\.\d)/.exec(head);
    if (!m) throw coreError('PDF_MALFORMED', 'No %PDF- header in the first 1 KiB: this is not a PDF file.');
    const doc = new PdfDocument(source, { chain: [], version: m[1]!, trailing: undefined });
    const chain = await readSections(doc);
    if (chain.some((s) => s.trailer.map.has('Encrypt'))) {
      throw coreError(
        'PDF_ENCRYPTED',
        'The PDF is encrypted; shomei verifies and signs unencrypted PDFs only.',
      );
    }
    const last = Math.max(...chain.map((s) => s.end));
    let trailing: { offset: number; length: number } | undefined;
    if (last < source.size) {
      const rest = await source.read(last, Math.min(source.size - last, 4096));
      const blank = rest.every((c) => c === 0 || c === 9 || c === 10 || c === 12 || c === 13 || c === 32);
      if (!blank || source.size - last > 4096) trailing = { offset: last, length: source.size - last };
    }
    return new PdfDocument(source, { chain, version: m[1]!, trailing });
  }

  async window(offset: number, length: number): Promise<Lexer> {
    const bytes = await this.source.read(offset, length);
    return new Lexer(bytes, offset, offset + bytes.length >= this.size);
  }

  /** The trailer of the newest section. */
  get trailer(): PdfDict {
    return this.chain[0]!.trailer;
  }

  /** Trailer as of a revision (its newest section). */
  trailerAt(revision: number): PdfDict {
    const s = this.chain.find((x) => this.revisionOf.get(x)! <= revision);
    if (!s) throw coreError('INPUT_INVALID', `No revision ${revision}.`);
    return s.trailer;
  }

  revisionOfSection(s: XrefSection): number {
    return this.revisionOf.get(s)!;
  }

  /** Object number → location, as of a revision (default: the last). Later sections in the chain win. */
  state(revision = this.revisions.length - 1): ReadonlyMap<number, ObjectLocation> {
    let st = this.states.get(revision);
    if (st) return st;
    st = new Map();
    for (let i = this.chain.length - 1; i >= 0; i--) {
      const s = this.chain[i]!;
      const rev = this.revisionOf.get(s)!;
      if (rev > revision) continue;
      for (const [num, entry] of s.entries) st.set(num, { num, entry, revision: rev });
    }
    this.states.set(revision, st);
    return st;
  }

  async objectAt(offset: number): Promise<{ num: number; gen: number; value: PdfObject; end: number }> {
    if (offset < 0 || offset >= this.size) {
      throw coreError('PDF_XREF_MALFORMED', `An object offset (${offset}) is outside the file.`, {
        details: { offset },
      });
    }
    const head = await withWindow(this, offset, (lx) => {
      const num = lx.integer('an object number');
      const gen = lx.integer('a generation number');
      lx.expectWord('obj');
      const value = lx.value();
      const next = lx.peekWord();
      let dataOffset = -1;
      if (next === 'stream') {
        lx.pos += 6;
        // §7.3.8.1: `stream` is followed by CRLF or LF (a lone CR is not allowed).
        if (lx.pos + 2 > lx.buf.length && !lx.atEof) throw new NeedMore();
        if (lx.buf[lx.pos] === 13 && lx.buf[lx.pos + 1] === 10) lx.pos += 2;
        else if (lx.buf[lx.pos] === 10) lx.pos += 1;
        else lx.fail('"stream" is not followed by an end-of-line');
        dataOffset = lx.offset;
      } else if (next !== 'endobj') {
        lx.fail(`Object ${num} ${gen} is not closed by endobj`);
      } else lx.pos += 6;
      return { num, gen, value, dataOffset, end: lx.offset };
    });
    if (head.dataOffset < 0) return { num: head.num, gen: head.gen, value: head.value, end: head.end };
    if (!isDict(head.value))
      throw coreError('PDF_MALFORMED', `Object ${head.num} has stream data after a non-dictionary.`);
    const lenRaw = head.value.map.get('Length');
    const length = isRef(lenRaw) ? await this.resolveLength(lenRaw) : lenRaw;
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
      throw coreError('PDF_MALFORMED', `Stream ${head.num} has no valid /Length.`);
    }
    if (head.dataOffset + length > this.size) {
      throw coreError(
        'PDF_MALFORMED',
        `Stream ${head.num} /Length ${length} runs past the end of the file.`,
        {
          details: { offset },
        },
      );
    }
    const end = await withWindow(
      this,
      head.dataOffset + length,
      (lx) => {
        lx.expectWord('endstream');
        lx.expectWord('endobj');
        return lx.offset;
      },
      64,
    ).catch((e) => {
      throw coreError(
        'PDF_MALFORMED',
        `Stream ${head.num} does not end with endstream where its /Length says.`,
        {
          cause: e,
        },
      );
    });
    const stream: PdfStream = { type: 'stream', dict: head.value, dataOffset: head.dataOffset, length };
    return { num: head.num, gen: head.gen, value: stream, end };
  }

  private async resolveLength(ref: PdfRef): Promise<PdfObject | undefined> {
    if (this.resolving.has(ref.num))
      throw coreError('PDF_MALFORMED', `Stream /Length ${ref.num} 0 R refers back to itself.`);
    this.resolving.add(ref.num);
    try {
      return await this.get(ref.num);
    } finally {
      this.resolving.delete(ref.num);
    }
  }

  async streamBytes(s: PdfStream): Promise<Uint8Array> {
    if (s.length > LIMITS.decoded)
      throw coreError('PDF_LIMIT_EXCEEDED', `A stream of ${s.length} bytes is too large to read.`);
    return (await this.source.read(s.dataOffset, s.length)).slice();
  }

  /** Decoded stream data, at most `max` bytes. */
  async decodedStream(s: PdfStream, max = LIMITS.decoded): Promise<Uint8Array> {
    return decodeStream(s.dict, await this.streamBytes(s), max, 'A stream');
  }

  /** Where object `num` is defined as of `revision` (default: last), or undefined when absent/free. */
  locate(num: number, revision?: number): ObjectLocation | undefined {
    const loc = this.state(revision).get(num);
    return loc && loc.entry.kind !== 'free' ? loc : undefined;
  }

  /** Object `num` as of a revision (default: last); undefined (null object) when absent or free. */
  async get(num: number, revision?: number): Promise<PdfObject | undefined> {
    const loc = this.locate(num, revision);
    if (!loc) return undefined;
    const e = loc.entry;
    const key =
      e.kind === 'used'
        ? `u${e.offset}`
        : e.kind === 'compressed'
          ? `c${e.stream}.${e.index}.${loc.revision}`
          : '';
    const hit = this.objects.get(key);
    if (hit !== undefined) return hit;
    let value: PdfObject;
    if (e.kind === 'used') {
      const o = await this.objectAt(e.offset);
      if (o.num !== num || o.gen !== e.gen) {
        throw coreError(
          'PDF_XREF_MALFORMED',
          `The cross-reference entry for object ${num} points to object ${o.num} ${o.gen} (offset ${e.offset}).`,
          { details: { offset: e.offset } },
        );
      }
      value = o.value;
    } else if (e.kind === 'compressed') {
      value = await this.fromObjectStream(num, e.stream, e.index, revision);
    } else return undefined;
    if (this.objects.size >= OBJECT_CACHE) this.objects.delete(this.objects.keys().next().value!);
    this.objects.set(key, value);
    return value;
  }

  private async fromObjectStream(
    num: number,
    streamNum: number,
    index: number,
    revision?: number,
  ): Promise<PdfValue> {
    const loc = this.locate(streamNum, revision);
    if (loc?.entry.kind !== 'used') {
      throw coreError(
        'PDF_XREF_MALFORMED',
        `Object ${num} is in object stream ${streamNum}, which is not an uncompressed object.`,
      );
    }
    const cacheKey = loc.entry.offset;
    let os = this.objStreams.get(cacheKey);
    if (!os) {
      const s = await this.get(streamNum, revision);
      if (!isStream(s) || !isName(s.dict.map.get('Type'), 'ObjStm')) {
        throw coreError('PDF_MALFORMED', `Object ${streamNum} is not an object stream.`);
      }
      const n = s.dict.map.get('N');
      const first = s.dict.map.get('First');
      if (typeof n !== 'number' || typeof first !== 'number' || n < 0 || first < 0 || n > 1_000_000) {
        throw coreError('PDF_MALFORMED', `Object stream ${streamNum} has no valid /N and /First.`);
      }
      const data = await decodeStream(
        s.dict,
        await this.streamBytes(s),
        LIMITS.decoded,
        `Object stream ${streamNum}`,
      );
      if (first > data.length)
        throw coreError('PDF_MALFORMED', `Object stream ${streamNum} /First is past its data.`);
      const lx = new Lexer(data.subarray(0, first), 0, true);
      const offsets = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const objNum = lx.integer('an object number');
        const off = lx.integer('an offset');
        offsets.set(i, objNum);
        offsets.set(-1 - i, off);
      }
      os = { data, offsets, first };
      if (this.objStreams.size >= OBJSTM_CACHE) this.objStreams.delete(this.objStreams.keys().next().value!);
      this.objStreams.set(cacheKey, os);
    }
    const at = os.offsets.get(-1 - index);
    if (os.offsets.get(index) !== num || at === undefined) {
      throw coreError(
        'PDF_XREF_MALFORMED',
        `Object ${num} is not at index ${index} of object stream ${streamNum}.`,
      );
    }
    if (os.first + at >= os.data.length)
      throw coreError('PDF_MALFORMED', `Object ${num} lies past the end of its object stream.`);
    // Strings inside an object stream have no file position: the base is set far outside any file.
    const lx = new Lexer(os.data.subarray(os.first + at), -Number.MAX_SAFE_INTEGER, true);
    return lx.value();
  }

  /** Follows references (bounded) to a direct value, as of a revision. */
  async resolve(v: PdfObject | undefined, revision?: number): Promise<PdfObject | undefined> {
    let cur = v;
    for (let i = 0; isRef(cur); i++) {
      if (i >= MAX_REF_DEPTH) throw coreError('PDF_LIMIT_EXCEEDED', 'A chain of references is too long.');
      cur = await this.get(cur.num, revision);
    }
    return cur;
  }

  async resolveDict(v: PdfObject | undefined, revision?: number): Promise<PdfDict | undefined> {
    const r = await this.resolve(v, revision);
    return isDict(r) ? r : isStream(r) ? r.dict : undefined;
  }

  /** The document catalog (trailer /Root) as of a revision. */
  async catalog(revision?: number): Promise<{ ref: PdfRef; dict: PdfDict }> {
    const root = (revision === undefined ? this.trailer : this.trailerAt(revision)).map.get('Root');
    const dict = isRef(root) ? await this.resolveDict(root, revision) : undefined;
    if (!isRef(root) || !dict)
      throw coreError('PDF_MALFORMED', 'The trailer has no /Root catalog dictionary.');
    return { ref: root, dict };
  }
}
