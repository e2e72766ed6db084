import { expect, it } from 'vitest';
import { splitUrlCredentials } from './url-credentials';

it('splits credentials out of a URL into a basic-auth header, decoding them', () => {
  expect(splitUrlCredentials('https://brainbytes:p%40ss@prom.example.ph/')).toEqual({
    base: 'https://prom.example.ph',
    headers: { Authorization: `Basic ${Buffer.from('brainbytes:p@ss').toString('base64')}` },
  });
  expect(splitUrlCredentials('http://127.0.0.1:9090')).toEqual({
    base: 'http://127.0.0.1:9090',
    headers: {},
  });
});
