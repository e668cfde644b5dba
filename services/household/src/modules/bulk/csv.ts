/**
 * CSV as spreadsheets write it (RFC 4180 and what Excel / WPS actually produce): quoted fields with
 * "" for a quote, separators and line breaks inside quotes, CRLF / LF / CR line ends, a UTF-8 BOM,
 * and comma, semicolon or tab as separator (whichever the header line uses). Returns records, not
 * physical lines, so a record's number is the row number a spreadsheet shows.
 */
export class CsvError extends Error {
  constructor(
    public readonly row: number,
    message: string,
  ) {
    super(message);
  }
}

function detectSeparator(text: string): string {
  let inQuotes = false;
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && ch in counts) counts[ch]++;
  }
  const [best, n] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return n > 0 ? best : ',';
}

export function parseCsv(input: string): string[][] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const sep = detectSeparator(text);
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let quoteOpenedAt = 0;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      quoteOpenedAt = records.length + 1;
      i++;
      continue;
    }
    if (ch === sep) {
      endField();
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    // A quote inside an unquoted field is kept as written (what spreadsheets do).
    field += ch;
    fieldStarted = true;
    i++;
  }
  if (quoted) throw new CsvError(quoteOpenedAt, `row ${quoteOpenedAt}: a quoted field is never closed`);
  if (fieldStarted || record.length) endRecord();
  return records;
}

/** UTF-8 first; a file that is not valid UTF-8 is read as GB18030 (what Excel on a Chinese Windows saves as "CSV"). */
export function decodeText(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return new TextDecoder('gb18030').decode(buf);
  }
}
