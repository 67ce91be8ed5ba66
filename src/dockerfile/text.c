/* Character classes as Go defines them, so that the tokenizer splits and
 * trims exactly where BuildKit does. */
#include <string.h>

#include "internal.h"

bool df_is_unicode_space(unsigned r)
{
    switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
        return true;
    default:
        return r >= 0x2000 && r <= 0x200A;
    }
}

bool df_is_byte_space(unsigned char b)
{
    return b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r' || b == ' ' ||
           b == 0x85 || b == 0xA0;
}

bool df_is_ws_class(char c)
{
    return c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == ' ';
}

size_t df_space_width(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    if ((unsigned char)s[0] < 0x80)
        return df_is_unicode_space((unsigned char)s[0]) ? 1 : 0;
    size_t w;
    unsigned r = df_utf8_decode(s, len, &w);
    return (r != 0xFFFD || w > 1) && df_is_unicode_space(r) ? w : 0;
}

void df_trim_space(const char *s, size_t *start, size_t *end)
{
    size_t w;
    while (*start < *end && (w = df_space_width(s + *start, *end - *start)) > 0)
        *start += w;
    while (*end > *start) {
        /* Step back to the first byte of the last rune. */
        size_t b = *end - 1;
        while (b > *start && *end - b < 4 && ((unsigned char)s[b] & 0xC0) == 0x80)
            b--;
        w = df_space_width(s + b, *end - b);
        if (w == 0 || b + w != *end)
            break;
        *end = b;
    }
}
