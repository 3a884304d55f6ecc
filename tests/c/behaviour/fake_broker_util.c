/* The small utilities of the fake broker: copied strings, a growing string (sb_t) and the
 * message lists (fb_list_t) its replies and deliveries travel in. */

#include "fake_broker_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

/* ----- Small utilities ----- */

char *fb_dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    CHECK(p != NULL);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *fb_dup_s(const char *s)
{
    return fb_dup_n(s, strlen(s));
}

void fb_sb_printf(sb_t *sb, const char *format, ...)
{
    for (;;) {
        va_list args;
        va_start(args, format);
        size_t room = sb->cap - sb->length;
        int n = vsnprintf(sb->text ? sb->text + sb->length : NULL, room, format, args);
        va_end(args);
        CHECK(n >= 0);
        if ((size_t)n < room) {
            sb->length += (size_t)n;
            return;
        }
        sb->cap = (sb->cap + (size_t)n + 1) * 2;
        sb->text = realloc(sb->text, sb->cap);
        CHECK(sb->text != NULL);
    }
}

void fb_list_push(fb_list_t *l, char *topic, char *payload)
{
    fb_msg_t *m = calloc(1, sizeof(*m));
    CHECK(m != NULL);
    m->topic = topic;
    m->payload = payload;
    if (l->tail) l->tail->next = m;
    else l->head = m;
    l->tail = m;
    l->length++;
}

fb_msg_t *fb_list_pop(fb_list_t *l)
{
    fb_msg_t *m = l->head;
    if (m) {
        l->head = m->next;
        if (!l->head) l->tail = NULL;
        l->length--;
        m->next = NULL;
    }
    return m;
}

void fb_msg_free(fb_msg_t *m)
{
    free(m->topic);
    free(m->payload);
    free(m);
}

void fb_list_free(fb_list_t *l)
{
    fb_msg_t *m;
    while ((m = fb_list_pop(l)) != NULL) fb_msg_free(m);
}
