import { TextInput } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';

/** Find a customer from anywhere: Enter opens /customers?q=…; "/" focuses the box. */
export function CustomerSearchBox() {
  const [query, setQuery] = useState('');
  const navigate = useNavigate();
  const input = useRef<HTMLInputElement>(null);
  useHotkeys([['/', () => input.current?.focus()]]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = query.trim();
    if (q) void navigate(`/customers?q=${encodeURIComponent(q)}`);
  };
  return (
    <form role="search" onSubmit={submit}>
      <TextInput
        ref={input}
        value={query}
        onChange={(event) => setQuery(event.currentTarget.value)}
        placeholder="Find a customer"
        title="Find a customer by id, email, name or domain (press /)"
        aria-label="Customer search"
        leftSection={<IconSearch size={16} aria-hidden />}
        w={160}
      />
    </form>
  );
}
