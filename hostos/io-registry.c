/*
 * hostos/io-registry.c - a small registry: a tree of keys with typed
 * values, filled by the harness (hostos_reg_set*, hostos/io.h) and read by
 * drivers through ZwOpenKey, ZwQueryValueKey, ZwClose,
 * IoOpenDeviceRegistryKey and RtlQueryRegistryValues. Key and value names
 * are ASCII and compare case-insensitively, as Windows compares them.
 *
 * RtlQueryRegistryValues handles the common cases: RTL_REGISTRY_ABSOLUTE,
 * _SERVICES, _CONTROL and _HANDLE (with _OPTIONAL), and table entries
 * that are a query routine per value, or RTL_QUERY_REGISTRY_DIRECT
 * (REG_DWORD into a ULONG, REG_QWORD into a ULONGLONG, REG_SZ into a
 * UNICODE_STRING with a buffer, REG_BINARY into a buffer whose size the
 * first LONG gives, negated), with defaults and RTL_QUERY_REGISTRY_
 * REQUIRED; RTL_QUERY_REGISTRY_SUBKEY changes the key for the entries
 * that follow. Not: NOEXPAND, DELETE, TYPECHECK, enumerating a key's
 * values (an entry with a NULL name), REG_MULTI_SZ splitting.
 */
#include "hostos/io-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REG_SERVICES "\\Registry\\Machine\\System\\CurrentControlSet\\Services"
#define REG_CONTROL "\\Registry\\Machine\\System\\CurrentControlSet\\Control"

static const WCHAR empty_w[1] = { 0 };

static struct hostos_regkey *child(struct hostos_regkey *k, const char *name, size_t n,
				   bool create)
{
	struct hostos_regkey *c, **pc;

	for (c = k->child; c; c = c->sibling)
		if (strlen(c->name) == n && !strncasecmp(c->name, name, n))
			return c;
	if (!create || n >= sizeof(c->name))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	memcpy(c->name, name, n);
	c->parent = k;
	for (pc = &k->child; *pc; pc = &(*pc)->sibling)
		;
	*pc = c;
	return c;
}

static struct hostos_regkey *walk(struct hostos_regkey *k, const char *path, bool create)
{
	while (k && *path) {
		const char *e;

		while (*path == '\\')
			path++;
		if (!*path)
			break;
		e = strchr(path, '\\');
		if (!e)
			e = path + strlen(path);
		k = child(k, path, (size_t)(e - path), create);
		path = e;
	}
	return k;
}

struct hostos_regkey *hostos_reg_key(struct hostos_io *io, const char *path, bool create)
{
	return path ? walk(&io->root, path, create) : NULL;
}

struct hostos_regkey *hostos_reg_key_w(struct hostos_io *io, const WCHAR *path, USHORT bytes,
				       bool create)
{
	char a[512];

	if (!path || bytes / 2 >= sizeof(a))
		return NULL;
	hostos_w_to_a(path, bytes / 2, a, sizeof(a));
	return hostos_reg_key(io, a, create);
}

static struct hostos_regval *value(struct hostos_regkey *k, const char *name, bool create)
{
	struct hostos_regval *v, **pv;

	if (!name)
		name = "";
	for (v = k->values; v; v = v->next)
		if (!strcasecmp(v->name, name))
			return v;
	if (!create || strlen(name) >= sizeof(v->name))
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	memcpy(v->name, name, strlen(name));
	for (pv = &k->values; *pv; pv = &(*pv)->next)
		;
	*pv = v;
	return v;
}

int hostos_reg_set(struct hostos *os, const char *path, const char *name, uint32_t type,
		   const void *data, size_t bytes)
{
	struct hostos_regkey *k;
	struct hostos_regval *v;
	uint8_t *copy;

	if (!os || !path || (bytes && !data) || bytes > UINT32_MAX)
		return SIM_ERR_INVALID;
	k = hostos_reg_key(hostos_io_get(os), path, true);
	v = k ? value(k, name, true) : NULL;
	copy = malloc(bytes ? bytes : 1);
	if (!v || !copy) {
		free(copy);
		return SIM_ERR_NOMEM;
	}
	if (bytes)
		memcpy(copy, data, bytes);
	free(v->data);
	v->data = copy;
	v->len = (uint32_t)bytes;
	v->type = type;
	return SIM_OK;
}

int hostos_reg_set_dword(struct hostos *os, const char *path, const char *name, uint32_t value)
{
	return hostos_reg_set(os, path, name, REG_DWORD, &value, sizeof(value));
}

int hostos_reg_set_sz(struct hostos *os, const char *path, const char *name, const char *value)
{
	WCHAR w[256];
	size_t n;

	if (!value || strlen(value) >= 255)
		return SIM_ERR_INVALID;
	n = hostos_a_to_w(value, w, 256);
	return hostos_reg_set(os, path, name, REG_SZ, w, (n + 1) * sizeof(WCHAR));
}

static void free_key(struct hostos_regkey *k)
{
	for (struct hostos_regkey *c = k->child, *n; c; c = n) {
		n = c->sibling;
		free_key(c);
		free(c);
	}
	for (struct hostos_regval *v = k->values, *n; v; v = n) {
		n = v->next;
		free(v->data);
		free(v);
	}
}

void hostos_reg_destroy(struct hostos_io *io)
{
	free_key(&io->root);
	for (struct hostos_keyh *h = io->keyhs, *n; h; h = n) {
		n = h->next;
		free(h);
	}
}

/* ---- handles ---- */

HANDLE hostos_reg_handle(struct hostos_io *io, struct hostos_regkey *k)
{
	struct hostos_keyh *h;

	if (!k)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->magic = HOSTOS_KEYH_MAGIC;
	h->key = k;
	h->open = true;
	h->next = io->keyhs;
	io->keyhs = h;
	return h;
}

static struct hostos_keyh *keyh(struct hostos_io *io, HANDLE handle)
{
	for (struct hostos_keyh *h = io->keyhs; h; h = h->next)
		if ((HANDLE)h == handle && h->open)
			return h;
	return NULL;
}

bool hostos_reg_close(struct hostos *os, void *handle)
{
	struct hostos_keyh *h = os->io ? keyh(os->io, handle) : NULL;

	if (!h)
		return false;
	h->open = false;
	return true;
}

NTSTATUS ZwOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
	struct hostos_thread *t = hostos_self("ZwOpenKey");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_regkey *base = &io->root, *k;
	char a[512];

	(void)DesiredAccess;
	hostos_sched_point(t);
	if (!KeyHandle || !ObjectAttributes || !ObjectAttributes->ObjectName)
		return STATUS_INVALID_PARAMETER;
	*KeyHandle = NULL;
	if (ObjectAttributes->RootDirectory) {
		struct hostos_keyh *h = keyh(io, ObjectAttributes->RootDirectory);

		if (!h)
			return STATUS_INVALID_HANDLE;
		base = h->key;
	}
	if (ObjectAttributes->ObjectName->Length / 2 >= sizeof(a))
		return STATUS_OBJECT_NAME_INVALID;
	hostos_w_to_a(ObjectAttributes->ObjectName->Buffer, ObjectAttributes->ObjectName->Length / 2,
		      a, sizeof(a));
	k = walk(base, a, false);
	if (!k)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	*KeyHandle = hostos_reg_handle(io, k);
	return *KeyHandle ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

static struct hostos_regval *value_w(struct hostos_regkey *k, const WCHAR *w, size_t chars)
{
	char a[128];

	if (chars >= sizeof(a))
		return NULL;
	hostos_w_to_a(w ? w : empty_w, w ? chars : 0, a, sizeof(a));
	return value(k, a, false);
}

NTSTATUS ZwQueryValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
			 KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
			 PVOID KeyValueInformation, ULONG Length, PULONG ResultLength)
{
	struct hostos_thread *t = hostos_self("ZwQueryValueKey");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_keyh *h = keyh(io, KeyHandle);
	struct hostos_regval *v;
	ULONG name_bytes, need, head;

	hostos_sched_point(t);
	if (!h)
		return STATUS_INVALID_HANDLE;
	if (!ResultLength)
		return STATUS_INVALID_PARAMETER;
	v = value_w(h->key, ValueName ? ValueName->Buffer : NULL,
		    ValueName ? ValueName->Length / 2 : 0);
	if (!v)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	name_bytes = (ULONG)strlen(v->name) * 2;
	switch (KeyValueInformationClass) {
	case KeyValuePartialInformation: {
		PKEY_VALUE_PARTIAL_INFORMATION p = KeyValueInformation;

		head = FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data);
		need = head + v->len;
		*ResultLength = need;
		if (Length < head)
			return STATUS_BUFFER_TOO_SMALL;
		p->TitleIndex = 0;
		p->Type = v->type;
		p->DataLength = v->len;
		if (Length < need) {
			memcpy(p->Data, v->data, Length - head);
			return STATUS_BUFFER_OVERFLOW;
		}
		memcpy(p->Data, v->data, v->len);
		return STATUS_SUCCESS;
	}
	case KeyValueFullInformation: {
		PKEY_VALUE_FULL_INFORMATION f = KeyValueInformation;
		ULONG off;

		head = FIELD_OFFSET(KEY_VALUE_FULL_INFORMATION, Name);
		off = (head + name_bytes + 7u) & ~7u;
		need = off + v->len;
		*ResultLength = need;
		if (Length < head)
			return STATUS_BUFFER_TOO_SMALL;
		f->TitleIndex = 0;
		f->Type = v->type;
		f->DataOffset = off;
		f->DataLength = v->len;
		f->NameLength = name_bytes;
		if (Length < need)
			return STATUS_BUFFER_OVERFLOW;
		for (ULONG i = 0; i < name_bytes / 2; i++)
			f->Name[i] = (unsigned char)v->name[i];
		memcpy((PUCHAR)f + off, v->data, v->len);
		return STATUS_SUCCESS;
	}
	case KeyValueBasicInformation: {
		PKEY_VALUE_BASIC_INFORMATION b = KeyValueInformation;

		head = FIELD_OFFSET(KEY_VALUE_BASIC_INFORMATION, Name);
		need = head + name_bytes;
		*ResultLength = need;
		if (Length < head)
			return STATUS_BUFFER_TOO_SMALL;
		b->TitleIndex = 0;
		b->Type = v->type;
		b->NameLength = name_bytes;
		if (Length < need)
			return STATUS_BUFFER_OVERFLOW;
		for (ULONG i = 0; i < name_bytes / 2; i++)
			b->Name[i] = (unsigned char)v->name[i];
		return STATUS_SUCCESS;
	}
	default:
		return STATUS_INVALID_PARAMETER;
	}
}

/* ---- RtlQueryRegistryValues ---- */

static NTSTATUS direct(PRTL_QUERY_REGISTRY_TABLE e, ULONG type, const void *data, ULONG len)
{
	switch (type) {
	case REG_DWORD:
		if (len >= sizeof(ULONG))
			memcpy(e->EntryContext, data, sizeof(ULONG));
		return STATUS_SUCCESS;
	case REG_QWORD:
		if (len >= sizeof(ULONGLONG))
			memcpy(e->EntryContext, data, sizeof(ULONGLONG));
		return STATUS_SUCCESS;
	case REG_SZ:
	case REG_EXPAND_SZ: {
		PUNICODE_STRING s = e->EntryContext;
		ULONG n = len;

		/* the string without its terminator, cut to the buffer */
		if (n >= 2 && !((const WCHAR *)data)[n / 2 - 1])
			n -= 2;
		if (!s->Buffer)
			return STATUS_BUFFER_TOO_SMALL;
		if (n > s->MaximumLength)
			n = s->MaximumLength & ~1u;
		memcpy(s->Buffer, data, n);
		s->Length = (USHORT)n;
		if (n + 2 <= s->MaximumLength)
			s->Buffer[n / 2] = 0;
		return STATUS_SUCCESS;
	}
	default: {
		LONG size;

		memcpy(&size, e->EntryContext, sizeof(size));
		if (size < 0) {
			ULONG room = (ULONG)-size;

			memcpy(e->EntryContext, data, len < room ? len : room);
			return len <= room ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL;
		}
		/* a positive first LONG: data into (ULONG size, ULONG type, data) */
		if ((ULONG)size < len)
			return STATUS_BUFFER_TOO_SMALL;
		memcpy((PUCHAR)e->EntryContext + 2 * sizeof(ULONG), data, len);
		return STATUS_SUCCESS;
	}
	}
}

static NTSTATUS one(PRTL_QUERY_REGISTRY_TABLE e, PWSTR name, ULONG type, PVOID data, ULONG len,
		    PVOID Context)
{
	const WCHAR *w = data;
	ULONG chars = len / sizeof(WCHAR), at = 0;
	bool any = false;

	if (e->Flags & RTL_QUERY_REGISTRY_DIRECT)
		return direct(e, type, data, len);
	if (type != REG_MULTI_SZ || (e->Flags & RTL_QUERY_REGISTRY_NOEXPAND) || !data)
		return e->QueryRoutine(name, type, data, len, Context, e->EntryContext);
	/* A REG_MULTI_SZ reaches the routine a string at a time, as REG_SZ;
	 * one with no string reaches it whole. */
	while (at < chars && w[at]) {
		ULONG n = 0;
		NTSTATUS st;

		while (at + n < chars && w[at + n])
			n++;
		if (at + n == chars)
			break; /* not terminated: the rest is not a string */
		st = e->QueryRoutine(name, REG_SZ, (PVOID)&w[at], (n + 1) * sizeof(WCHAR), Context,
				     e->EntryContext);
		if (!NT_SUCCESS(st))
			return st;
		any = true;
		at += n + 1;
	}
	return any ? STATUS_SUCCESS
		   : e->QueryRoutine(name, type, data, len, Context, e->EntryContext);
}

NTSTATUS RtlQueryRegistryValues(ULONG RelativeTo, PCWSTR Path, PRTL_QUERY_REGISTRY_TABLE QueryTable,
				PVOID Context, PVOID Environment)
{
	struct hostos_thread *t = hostos_self("RtlQueryRegistryValues");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_regkey *key, *cur;
	char a[512], full[600];
	bool optional = (RelativeTo & RTL_REGISTRY_OPTIONAL) != 0;
	ULONG rel = RelativeTo & ~(ULONG)RTL_REGISTRY_OPTIONAL;

	(void)Environment;
	hostos_sched_point(t);
	if (!QueryTable)
		return STATUS_INVALID_PARAMETER;
	if (rel & RTL_REGISTRY_HANDLE) {
		struct hostos_keyh *h = keyh(io, (HANDLE)Path);

		if (!h)
			return STATUS_INVALID_HANDLE;
		key = h->key;
	} else {
		size_t n = 0;

		if (Path)
			while (Path[n] && n + 1 < sizeof(a))
				n++;
		hostos_w_to_a(Path ? Path : empty_w, n, a, sizeof(a));
		switch (rel) {
		case RTL_REGISTRY_ABSOLUTE:
			snprintf(full, sizeof(full), "%s", a);
			break;
		case RTL_REGISTRY_SERVICES:
			snprintf(full, sizeof(full), "%s\\%s", REG_SERVICES, a);
			break;
		case RTL_REGISTRY_CONTROL:
			snprintf(full, sizeof(full), "%s\\%s", REG_CONTROL, a);
			break;
		default:
			return STATUS_INVALID_PARAMETER;
		}
		key = hostos_reg_key(io, full, false);
		if (!key)
			return optional ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
	}
	cur = key;
	for (PRTL_QUERY_REGISTRY_TABLE e = QueryTable; e->QueryRoutine || e->Name; e++) {
		struct hostos_regval *v;
		NTSTATUS st;

		if (e->Flags & RTL_QUERY_REGISTRY_SUBKEY) {
			size_t n = 0;

			while (e->Name && e->Name[n])
				n++;
			hostos_w_to_a(e->Name, n, a, sizeof(a));
			cur = walk(key, a, false);
			if (!cur)
				return STATUS_OBJECT_NAME_NOT_FOUND;
			if (!e->QueryRoutine)
				continue;
		}
		if (e->Flags & RTL_QUERY_REGISTRY_TOPKEY)
			cur = key;
		if (!e->Name) {
			/* No name: the routine sees every value of the key, in the
			 * order they were set (a value it deletes is not visited
			 * twice: the next one is taken first). */
			unsigned seen = 0;

			if (e->Flags & RTL_QUERY_REGISTRY_DIRECT)
				return STATUS_INVALID_PARAMETER; /* nowhere to store them */
			for (v = cur->values; v;) {
				struct hostos_regval *next = v->next;
				WCHAR w[sizeof(v->name)];

				hostos_a_to_w(v->name, w, sizeof(v->name));
				st = one(e, w, v->type, v->data, v->len, Context);
				if (!NT_SUCCESS(st))
					return st;
				seen++;
				v = next;
			}
			if (!seen && (e->Flags & RTL_QUERY_REGISTRY_REQUIRED))
				return STATUS_OBJECT_NAME_NOT_FOUND;
			continue;
		}
		{
			size_t n = 0;

			while (e->Name[n])
				n++;
			v = value_w(cur, e->Name, n);
		}
		if (v) {
			st = one(e, (PWSTR)e->Name, v->type, v->data, v->len, Context);
		} else if (e->Flags & RTL_QUERY_REGISTRY_REQUIRED) {
			return STATUS_OBJECT_NAME_NOT_FOUND;
		} else if (e->DefaultType != REG_NONE) {
			ULONG len = e->DefaultLength;

			if (!len && e->DefaultType == REG_SZ && e->DefaultData) {
				while (((PCWSTR)e->DefaultData)[len / 2])
					len += 2;
				len += 2;
			}
			st = one(e, (PWSTR)e->Name, e->DefaultType, e->DefaultData, len, Context);
		} else {
			st = STATUS_SUCCESS;
		}
		if (!NT_SUCCESS(st))
			return st;
	}
	return STATUS_SUCCESS;
}
