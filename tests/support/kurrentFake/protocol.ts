// The message classes and service definition come from the client package's own
// generated code: google-protobuf registers classes in a process-wide namespace, so a
// server built on any other copy of the schema would break the client under test.
import streamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import streamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';
import sharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';

export const { StreamsService } = streamsGrpc;
export const { ReadReq, ReadResp, AppendReq, AppendResp } = streamsPb;
export const { Empty, UUID, StreamIdentifier } = sharedPb;
export const { Timestamp } = timestampPb;

export type ReadReqMessage = InstanceType<typeof ReadReq>;
export type ReadRespMessage = InstanceType<typeof ReadResp>;
export type AppendReqMessage = InstanceType<typeof AppendReq>;
export type AppendRespMessage = InstanceType<typeof AppendResp>;
export type UUIDMessage = InstanceType<typeof UUID>;
