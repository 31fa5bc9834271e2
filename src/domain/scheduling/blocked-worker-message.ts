/** Greedy word wrap like Python's `textwrap.fill` (whitespace collapsed, long words split). */
export const wrapText = (text: string, width: number): string => {
  const words = text.split(/\s+/).filter((word) => word !== '');
  const lines: string[] = [];
  let line = '';
  for (let word of words) {
    while (word.length > width) {
      if (line !== '') {
        const room = width - line.length - 1;
        if (room > 0) {
          lines.push(`${line} ${word.slice(0, room)}`);
          word = word.slice(room);
        } else {
          lines.push(line);
        }
        line = '';
        continue;
      }
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
};

/** The banner a blocked worker prints (upstream `blocked_worker_message`). */
export const blockedWorkerMessage = (shortName: string, message: string, hostUrl: string): string => `

**********************************************************************
Request_task: This worker has been blocked!
${wrapText(`Message: ${message}`, 70)}
You may possibly find more information at
${hostUrl}/actions?text=%22${shortName}%22.
If you require help, feel free to contact the #fishtest-dev channel on
the Stockfish Discord server: https://discord.com/invite/awnh2qZfTT.
After fixing the issues you can unblock the worker at
${hostUrl}/workers/${shortName}.
**********************************************************************
`;
