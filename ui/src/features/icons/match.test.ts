import { beforeAll, describe, expect, it } from 'vitest';
import { iconRecords, splitRecords } from './build-data.mjs';
import {
  buildIndex,
  contrast,
  glyphColour,
  hostAndParents,
  hostOf,
  type IconIndex,
  type IconRecord,
  issuerKeys,
  luminance,
  matchIssuer,
  normalise,
  registrable,
  searchIcons,
  tileTone,
} from './match';

/** A small made-up set, including brands simple-icons no longer ships (Microsoft, AWS). */
const FIXTURE: IconRecord[] = [
  ['github', 'GitHub', '181717', [], ['github.com']],
  ['gitlab', 'GitLab', 'FC6D26', [], ['about.gitlab.com']],
  ['google', 'Google', '4285F4', [], ['partnermarketinghub.withgoogle.com', 'about.google']],
  ['googlecloud', 'Google Cloud', '4285F4', [], ['cloud.google.com']],
  ['googlechat', 'Google Chat', '34A853', [], ['support.google.com']],
  ['amazonwebservices', 'Amazon Web Services', '232F3E', [], ['aws.amazon.com']],
  ['microsoft', 'Microsoft', '5E5E5E'],
  ['x', 'X', '000000', ['Twitter'], ['x.com']],
  ['ab', 'AB', 'FF0000'],
  ['citroen', 'Citroën', 'DA0010'],
  ['bookingdotcom', 'Booking.com', '003580', [], ['bookingholdings.com']],
  ['biome', 'Biome', '60A5FA', ['Rome'], ['biomejs.dev']],
  ['someblog', 'Some Blog', '111111', [], ['medium.com']],
];

describe('normalising names', () => {
  it('folds case, accents, spaces and punctuation', () => {
    expect(normalise('GitHub')).toBe('github');
    expect(normalise('Git Hub')).toBe('github');
    expect(normalise('git-hub!')).toBe('github');
    expect(normalise('Citroën')).toBe('citroen');
    expect(normalise('Łódź Bank')).toBe('lodzbank');
    expect(normalise('AT&T')).toBe('atandt');
    expect(normalise('Disney+')).toBe('disneyplus');
    expect(normalise('Яндекс')).toBe('яндекс');
  });
  it('drops a trailing legal form and knows a few abbreviations', () => {
    expect(issuerKeys('GITHUB, Inc.')).toEqual(['githubinc', 'github']);
    expect(issuerKeys('Google LLC')).toEqual(['googlellc', 'google']);
    expect(issuerKeys('Hetzner Online GmbH')).toEqual(['hetzneronlinegmbh', 'hetzneronline']);
    expect(issuerKeys('Amazon Web Services')).toEqual(['amazonwebservices']);
    expect(issuerKeys('AWS')).toEqual(['aws', 'amazonwebservices']);
    expect(issuerKeys('Microsoft')).toEqual(['microsoft']);
    expect(issuerKeys('Inc')).toEqual(['inc']);
    expect(issuerKeys('  ')).toEqual([]);
  });
});

describe('domains', () => {
  it('finds the host of a URL or a bare domain', () => {
    expect(hostOf('https://login.example.com')).toBe('login.example.com');
    expect(hostOf('https://www.GitHub.com/login?x=1')).toBe('github.com');
    expect(hostOf('github.com')).toBe('github.com');
    expect(hostOf('www.github.com/settings')).toBe('github.com');
    expect(hostOf('accounts.google.com:443')).toBe('accounts.google.com');
    expect(hostOf('me@example.org')).toBe('example.org');
    expect(hostOf('GitHub')).toBeNull();
    expect(hostOf('GITHUB, Inc.')).toBeNull();
    expect(hostOf('1.2.3.4')).toBeNull();
    expect(hostOf('https://')).toBeNull();
  });
  it('knows registrable domains and parents', () => {
    expect(registrable('accounts.google.com')).toBe('google.com');
    expect(registrable('login.bank.co.uk')).toBe('bank.co.uk');
    expect(registrable('github.com')).toBe('github.com');
    expect(hostAndParents('a.b.example.com')).toEqual(['a.b.example.com', 'b.example.com', 'example.com']);
    expect(hostAndParents('x.bank.co.uk')).toEqual(['x.bank.co.uk', 'bank.co.uk']);
  });
});

describe('matching (fixture)', () => {
  let index: IconIndex;
  const slug = (issuer: string) => {
    const m = matchIssuer(index, issuer);
    return m ? index.icons[m.index].slug : null;
  };
  beforeAll(() => {
    index = buildIndex(FIXTURE);
  });

  it('matches the examples', () => {
    for (const s of ['GitHub', 'github.com', 'Git Hub', 'GITHUB, Inc.', 'https://github.com/login']) {
      expect(slug(s), s).toBe('github');
    }
    expect(slug('accounts.google.com')).toBe('google');
    expect(slug('Google LLC')).toBe('google');
    expect(slug('Amazon Web Services')).toBe('amazonwebservices');
    expect(slug('AWS')).toBe('amazonwebservices');
    expect(slug('signin.aws.amazon.com')).toBe('amazonwebservices');
    expect(slug('Microsoft')).toBe('microsoft');
    expect(slug('Microsoft Corporation')).toBe('microsoft');
  });
  it('uses aliases, accents and titles with punctuation', () => {
    expect(slug('Twitter')).toBe('x');
    expect(slug('Rome')).toBe('biome');
    expect(slug('CITROEN')).toBe('citroen');
    expect(slug('Booking.com')).toBe('bookingdotcom');
  });
  it('matches hosts, parent domains and a domain by its name', () => {
    expect(slug('https://cloud.google.com/console')).toBe('googlecloud');
    expect(slug('https://mail.google.com')).toBe('google');
    expect(slug('x.com')).toBe('x');
    expect(slug('about.gitlab.com')).toBe('gitlab');
    expect(slug('gitlab.com')).toBe('gitlab');
    expect(slug('https://login.example.com')).toBeNull();
  });
  it('trusts a host only where it names the brand', () => {
    // medium.com hosts Some Blog's logo; support.google.com is Google Chat's source.
    expect(slug('medium.com')).toBeNull();
    expect(slug('support.google.com')).toBe('google');
  });
  it('prefers exact to fuzzy and never rests on a short fragment', () => {
    expect(slug('Google Cloud')).toBe('googlecloud');
    expect(slug('Google Cloud Platform')).toBe('googlecloud');
    expect(slug('Google Workspace')).toBe('google');
    expect(slug('AB')).toBe('ab');
    expect(slug('AB Bank')).toBeNull();
    expect(slug('ab.com')).toBeNull();
    expect(slug('X Corp')).toBe('x');
    expect(slug('Xerox')).toBeNull();
    expect(slug('My Company VPN')).toBeNull();
    expect(slug('')).toBeNull();
  });
  it('searches titles and aliases, exact and prefixes first', () => {
    const titles = (q: string) => searchIcons(index, q).map((i) => index.icons[i].slug);
    expect(titles('google')).toEqual(['google', 'googlechat', 'googlecloud']);
    expect(titles('cloud')).toEqual(['googlecloud']);
    expect(titles('twit')).toEqual(['x']);
    expect(titles('zzz')).toEqual([]);
    expect(titles('')).toHaveLength(FIXTURE.length);
  });
});

describe('colours', () => {
  it('picks a glyph colour with enough contrast', () => {
    expect(glyphColour('181717')).toBe('#FFFFFF');
    expect(glyphColour('F0B90B')).toBe('#000000');
    expect(glyphColour('FFFFFF')).toBe('#000000');
    for (const hex of ['000000', 'FFFFFF', '4285F4', 'FC6D26', '777777', 'F0B90B', '5865F2']) {
      const g = glyphColour(hex) === '#FFFFFF' ? 1 : 0;
      expect(contrast(luminance(hex), g), hex).toBeGreaterThanOrEqual(4.5);
    }
  });
  it('outlines tiles that fade into a theme', () => {
    expect(tileTone('FFFFFF')).toBe('light');
    expect(tileTone('F7DF1E')).toBe('light');
    expect(tileTone('000000')).toBe('dark');
    expect(tileTone('181717')).toBe('dark');
    expect(tileTone('4285F4')).toBe('mid');
  });
});

describe('matching (simple-icons)', () => {
  let index: IconIndex;
  const slug = (issuer: string) => {
    const m = matchIssuer(index, issuer);
    return m ? index.icons[m.index].slug : null;
  };
  beforeAll(async () => {
    index = buildIndex(splitRecords(await iconRecords(), 'test').index.icons);
  });

  it('has every icon, with a colour', () => {
    expect(index.icons.length).toBeGreaterThan(3000);
    const bad = index.icons.filter((i) => !/^[0-9A-F]{6}$/.test(i.hex));
    expect(bad.map((i) => i.slug)).toEqual([]);
  });
  it('matches common issuers', () => {
    const cases: Record<string, string> = {
      GitHub: 'github',
      'github.com': 'github',
      'Git Hub': 'github',
      'GITHUB, Inc.': 'github',
      'accounts.google.com': 'google',
      'Google LLC': 'google',
      'https://github.com/login': 'github',
      'Google Workspace': 'google',
      'Epic Games Store': 'epicgames',
      Twitter: 'x',
      'Booking.com': 'bookingdotcom',
      'vault.bitwarden.com': 'bitwarden',
      'dash.cloudflare.com': 'cloudflare',
      'Proton AG': 'proton',
      'Hetzner Online GmbH': 'hetzner',
      'Battle.net': 'battledotnet',
    };
    for (const [issuer, want] of Object.entries(cases)) expect(slug(issuer), issuer).toBe(want);
  });
  it('gives no icon for brands simple-icons does not ship (their owners asked) or unknown names', () => {
    // Microsoft and AWS were removed from simple-icons; the letter avatar stays.
    for (const s of ['Microsoft', 'Amazon Web Services', 'AWS', 'https://login.example.com', 'Acme VPN']) {
      expect(slug(s), s).toBeNull();
    }
  });
  it('does not give support.google.com to Google Chat', () => {
    expect(slug('support.google.com')).toBe('google');
  });
});
