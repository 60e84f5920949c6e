"use client";

import { useState } from "react";

import { Textarea } from "@/app/_components/ui/textarea";

/**
 * A JSON Schema typed as text. The form holds the parsed object (null when empty); text that is not
 * JSON is handed on as text, so the form's schema refuses it with its own message.
 */
export function JsonSchemaInput({
  value,
  onChange,
  onBlur,
  name,
  placeholder,
}: {
  value: unknown;
  onChange: (value: unknown) => void;
  onBlur: () => void;
  name: string;
  placeholder?: string;
}) {
  const [text, setText] = useState(() =>
    value && typeof value === "object"
      ? JSON.stringify(value, null, 2)
      : typeof value === "string"
        ? value
        : "",
  );
  return (
    <Textarea
      className="min-h-24 font-mono text-xs"
      spellCheck={false}
      name={name}
      placeholder={placeholder}
      value={text}
      onBlur={onBlur}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value.trim() === "") return onChange(null);
        try {
          onChange(JSON.parse(e.target.value));
        } catch {
          onChange(e.target.value);
        }
      }}
    />
  );
}
