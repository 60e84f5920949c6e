"use client";

import { TRPCClientError } from "@trpc/client";
import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { toast } from "sonner";

import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import {
  Form,
  FormControl,
  FormField,
  FormItem,
  FormLabel,
  FormMessage,
} from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { useErrorText } from "@/app/_lib/error-text";
import { useHydrated } from "@/app/_lib/use-hydrated";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import {
  SIGN_IN_THROTTLED,
  SIGN_UP_SIGN_IN_FAILED,
  signUpInput,
  type SignUpInput,
} from "@/server/users/schemas";

function isRateLimited(err: unknown): boolean {
  return (
    err instanceof TRPCClientError &&
    (err.data as { code?: string } | undefined)?.code === "TOO_MANY_REQUESTS"
  );
}

export function SignUpForm() {
  const router = useRouter();
  const hydrated = useHydrated();
  const form = useForm<SignUpInput>({
    resolver: zodResolver(signUpInput),
    defaultValues: { name: "", email: "", password: "" },
  });
  const signUp = api.auth.signUp.useMutation();
  const t = useTranslations("auth");
  const errorText = useErrorText();

  async function onSubmit(values: SignUpInput) {
    try {
      await signUp.mutateAsync(values);
    } catch (err) {
      if (!applyServerFieldErrors(form, err))
        toast.error(isRateLimited(err) ? errorText(err) : t("signup.failed"));
      return;
    }
    // the sign-up answer is the same for a taken email (server/auth/sign-up.ts): the sign-in decides
    const result = await signIn("credentials", {
      email: values.email,
      password: values.password,
      redirect: false,
    });
    if (!result || result.error) {
      router.push(
        `/login?error=${result?.error === SIGN_IN_THROTTLED ? SIGN_IN_THROTTLED : SIGN_UP_SIGN_IN_FAILED}`,
      );
      return;
    }
    router.push("/console");
    router.refresh();
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-xl">{t("signup.title")}</CardTitle>
        <CardDescription>{t("signup.description")}</CardDescription>
      </CardHeader>
      <Form {...form}>
        {/* method="post": a submit before the script has loaded must not put the password in the URL */}
        <form method="post" onSubmit={form.handleSubmit(onSubmit)} noValidate>
          <CardContent className="grid gap-4">
            <FormField
              control={form.control}
              name="name"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("signup.name")}</FormLabel>
                  <FormControl>
                    <Input autoComplete="name" {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="email"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("signup.email")}</FormLabel>
                  <FormControl>
                    <Input type="email" autoComplete="email" {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="password"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("signup.password")}</FormLabel>
                  <FormControl>
                    <Input type="password" autoComplete="new-password" {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
          </CardContent>
          <CardFooter className="mt-6 flex flex-col gap-3">
            <Button
              type="submit"
              className="w-full"
              disabled={!hydrated || form.formState.isSubmitting}
            >
              {form.formState.isSubmitting ? t("signup.submitting") : t("signup.submit")}
            </Button>
            <p className="text-sm text-muted-foreground">
              {t("signup.haveAccount")}{" "}
              <Link
                className="font-medium text-primary underline-offset-4 hover:underline"
                href="/login"
              >
                {t("signup.signIn")}
              </Link>
            </p>
          </CardFooter>
        </form>
      </Form>
    </Card>
  );
}
