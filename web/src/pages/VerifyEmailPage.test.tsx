import { render, screen } from '@testing-library/react';
import { StrictMode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { Providers } from '../App';
import { json, mockApi, problem, renderPage, testQueryClient } from '../test/utils';
import VerifyEmailPage from './VerifyEmailPage';

const ada = { id: 'usr_1', email: 'ada@example.com', name: 'Ada', emailVerified: true, tier: 'free' };

describe('VerifyEmailPage', () => {
  it('sends the single-use token exactly once, even under StrictMode', async () => {
    const { calls } = mockApi({
      'POST /api/v1/auth/verify-email': () => json(200, ada),
      'GET /api/v1/auth/me': () => json(200, ada),
    });
    render(
      <StrictMode>
        <Providers client={testQueryClient()} env="test">
          <MemoryRouter initialEntries={['/verify-email?token=vt_1']}>
            <Routes>
              <Route path="/verify-email" element={<VerifyEmailPage />} />
            </Routes>
          </MemoryRouter>
        </Providers>
      </StrictMode>,
    );
    expect(await screen.findByRole('heading', { name: 'Email verified' })).toBeInTheDocument();
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toEqual({ token: 'vt_1' });
    expect(await screen.findByRole('link', { name: 'Go to the dashboard' })).toBeInTheDocument();
  });

  it('explains an expired or used link', async () => {
    mockApi({
      'POST /api/v1/auth/verify-email': () => problem(401, 'Unauthorized', 'The link is invalid or has expired.'),
      'GET /api/v1/auth/me': () => problem(401, 'Unauthorized'),
      'POST /api/v1/auth/refresh': () => problem(401, 'Unauthorized'),
    });
    renderPage(<VerifyEmailPage />, { path: '/verify-email?token=old' });
    expect(await screen.findByRole('heading', { name: 'Email not verified' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('The link is invalid or has expired.');
    expect(await screen.findByRole('link', { name: 'Sign in' })).toBeInTheDocument();
  });
});
