import { status as GrpcStatus } from '@grpc/grpc-js';
import type { sendUnaryData, ServerReadableStream } from '@grpc/grpc-js';
import type { AppendOutcome, ExpectedState, MemoryLog, ProposedEvent } from './memoryLog.js';
import { fromUuidMessage } from './messages.js';
import { AppendResp, Empty } from './protocol.js';
import type { AppendReqMessage, AppendRespMessage } from './protocol.js';

export type AppendCall = ServerReadableStream<AppendReqMessage, AppendRespMessage>;

function parseExpected(options: NonNullable<ReturnType<AppendReqMessage['getOptions']>>): ExpectedState {
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  return { kind: 'any' };
}

function toResponse(outcome: AppendOutcome): AppendRespMessage {
  if (outcome.kind === 'success') {
    const success = new AppendResp.Success();
    if (outcome.currentRevision < 0n) success.setNoStream(new Empty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    success.setPosition(
      new AppendResp.Position()
        .setCommitPosition(outcome.position.toString())
        .setPreparePosition(outcome.position.toString()),
    );
    return new AppendResp().setSuccess(success);
  }
  // The classic Append RPC reports a concurrency conflict as a message, not as a gRPC error.
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.current.kind === 'revision') wrong.setCurrentRevision(outcome.current.revision.toString());
  else wrong.setCurrentNoStream(new Empty());
  const { expected } = outcome;
  if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  return new AppendResp().setWrongExpectedVersion(wrong);
}

export function createAppendHandler(log: MemoryLog) {
  return (call: AppendCall, callback: sendUnaryData<AppendRespMessage>) => {
    let streamId: string | undefined;
    let expected: ExpectedState = { kind: 'any' };
    const proposed: ProposedEvent[] = [];
    let failed = false;
    const fail = (details: string) => {
      if (failed) return;
      failed = true;
      callback({ code: GrpcStatus.INVALID_ARGUMENT, details });
    };

    call.on('data', (request: AppendReqMessage) => {
      const options = request.getOptions();
      if (options) {
        streamId = Buffer.from(options.getStreamIdentifier()?.getStreamName_asU8() ?? []).toString('utf8');
        expected = parseExpected(options);
        return;
      }
      const message = request.getProposedMessage();
      if (!message) return fail('append request with neither options nor a proposed message');
      const metadata = message.getMetadataMap();
      const type = metadata.get('type');
      if (!type) return fail('proposed message without a type');
      let id: string;
      try {
        id = fromUuidMessage(message.getId());
      } catch (error) {
        return fail((error as Error).message);
      }
      proposed.push({
        id,
        type,
        contentType: metadata.get('content-type') ?? 'application/octet-stream',
        data: message.getData_asU8(),
        customMetadata: message.getCustomMetadata_asU8(),
      });
    });
    call.on('end', () => {
      if (failed) return;
      if (streamId === undefined) return fail('append without options');
      callback(null, toResponse(log.append(streamId, expected, proposed)));
    });
  };
}
