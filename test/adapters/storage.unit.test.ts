import { splitProjectionsParam } from '../../src/adapters/storage/openStorage';

describe('the projections parameter of a store URL', () => {
  it.each([
    ['sqlite:a.db?projections=async', 'sqlite:a.db', 'async'],
    ['postgres://h/db?schema=x&projections=inline', 'postgres://h/db?schema=x', 'inline'],
    ['postgres://h/db?projections=async&schema=x', 'postgres://h/db?schema=x', 'async'],
    ['sqlite:a.db', 'sqlite:a.db', undefined],
  ])('%s', (input, url, projections) => {
    expect(splitProjectionsParam(input)).toEqual(projections === undefined ? { url } : { url, projections });
  });
});
