import type { FastifyRequest } from 'fastify';

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const COUNTRY_CODE = /^[A-Z]{2}$/;

/**
 * The client's address as upstream stores it in `remote_addr`: Fastify's `request.ip`, which
 * honours X-Forwarded-For only when the app trusts the proxy (TRUST_PROXY); IPv4 addresses
 * mapped into IPv6 are written the IPv4 way.
 */
export const remoteAddress = (request: FastifyRequest): string => {
  const ip = request.ip;
  return IPV4_MAPPED.exec(ip)?.[1] ?? ip;
};

/** `X-Country-Code` (set by the proxy from GeoIP), or "?" when missing, unknown ("ZZ") or malformed. */
export const countryCode = (request: FastifyRequest): string => {
  const header = request.headers['x-country-code'];
  const value = (Array.isArray(header) ? header[0] : header)?.trim().toUpperCase();
  return value !== undefined && value !== 'ZZ' && COUNTRY_CODE.test(value) ? value : '?';
};

/** Base URL of this server as the client reached it (for the blocked-worker banner). */
export const hostUrl = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;
