import { gzipSync } from 'node:zlib';

/*
 * PGN uploads: a gzip file of plausible game text, base64-encoded as the worker sends it. One
 * compressed block of games is made once and repeated as gzip members, so the load generator
 * pays almost nothing; the server still decodes and decompresses every upload.
 */

const PIECES = ['', '', '', 'N', 'B', 'R', 'Q', 'K'];
const FILES = 'abcdefgh';

const makeRandom = (seed: number) => () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};

const gameText = (game: number, random: () => number): string => {
  const plies = 60 + Math.floor(random() * 120);
  let text = `[Event "Fishtest fleet benchmark"]\n[Round "${game + 1}"]\n[White "New-engine"]\n[Black "Base-engine"]\n[Result "1/2-1/2"]\n\n`;
  for (let ply = 0; ply < plies; ply += 1) {
    if (ply % 2 === 0) text += `${ply / 2 + 1}. `;
    const piece = PIECES[Math.floor(random() * PIECES.length)]!;
    const square = `${FILES[Math.floor(random() * 8)]!}${1 + Math.floor(random() * 8)}`;
    const score = ((random() - 0.5) * 2).toFixed(2);
    text += `${piece}${square} {${score.startsWith('-') ? '' : '+'}${score}/${10 + Math.floor(random() * 15)} ${Math.floor(random() * 900)}ms} `;
  }
  return `${text}1/2-1/2\n\n`;
};

/** Games per gzip member; a payload is whole members one after the other (still one valid gzip file). */
const MEMBER_GAMES = 32;

export interface PgnPayloads {
  /** Base64 of a gzip file of about `games` games at the target compressed size per game, as ASCII bytes. */
  payload(games: number): Buffer;
}

export const createPgnPayloads = (targetBytesPerGame: number): PgnPayloads => {
  const random = makeRandom(7);
  let text = '';
  for (let game = 0; game < MEMBER_GAMES; game += 1) text += gameText(game, random);
  const member = gzipSync(Buffer.from(text), { level: 6 });
  // The generated text compresses to `member.length / MEMBER_GAMES` bytes a game; scale the count.
  const membersPerGame = targetBytesPerGame / member.length;
  const payloads = new Map<number, Buffer>();
  return {
    payload(games) {
      const members = Math.max(1, Math.round(games * membersPerGame));
      let payload = payloads.get(members);
      if (payload === undefined) {
        payload = Buffer.from(Buffer.concat(new Array<Buffer>(members).fill(member)).toString('base64'), 'latin1');
        payloads.set(members, payload);
      }
      return payload;
    },
  };
};
