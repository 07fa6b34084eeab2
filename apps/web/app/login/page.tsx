'use client';
import { LoginView } from '../../components/views/login-view';

export default function LoginPage() {
  return <LoginView />;
}
