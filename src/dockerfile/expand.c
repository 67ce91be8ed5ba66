/* Dockerfile word expansion, following BuildKit's shell lexer
 * (frontend/dockerfile/shell/lex.go) step by step, so that env-doctor sees
 * the same values BuildKit builds with, quirks included.
 *
 * The lexer reads the input as Go's text/scanner does: rune by rune, an
 * invalid UTF-8 byte reading as U+FFFD. Each nesting level of ${...} words
 * is one call of process_until (BuildKit's processStopOn). Glob patterns are
 * matched with a set-of-states simulation, linear in the value's length. */
#include "envdoctor/dfexpand.h"
#include "envdoctor/utf8.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "envdoctor/buf.h"

#define DF_EOF (-1)
#define RUNE_ERROR 0xFFFD

/* ---- Unicode: what Go's unicode.IsLetter / IsDigit / IsSpace say ---- */

struct rune_range {
    uint32_t lo, hi;
};

/* Code points >= 0x80 in the general categories L* and Nd, Unicode 15.0
 * (the version of Go's unicode package), generated from UnicodeData.txt. */
static const struct rune_range letter_ranges[] = {
    {0xAA, 0xAA}, {0xB5, 0xB5}, {0xBA, 0xBA}, {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x2C1},
    {0x2C6, 0x2D1}, {0x2E0, 0x2E4}, {0x2EC, 0x2EC}, {0x2EE, 0x2EE}, {0x370, 0x374}, {0x376, 0x377},
    {0x37A, 0x37D}, {0x37F, 0x37F}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x3A1},
    {0x3A3, 0x3F5}, {0x3F7, 0x481}, {0x48A, 0x52F}, {0x531, 0x556}, {0x559, 0x559}, {0x560, 0x588},
    {0x5D0, 0x5EA}, {0x5EF, 0x5F2}, {0x620, 0x64A}, {0x66E, 0x66F}, {0x671, 0x6D3}, {0x6D5, 0x6D5},
    {0x6E5, 0x6E6}, {0x6EE, 0x6EF}, {0x6FA, 0x6FC}, {0x6FF, 0x6FF}, {0x710, 0x710}, {0x712, 0x72F},
    {0x74D, 0x7A5}, {0x7B1, 0x7B1}, {0x7CA, 0x7EA}, {0x7F4, 0x7F5}, {0x7FA, 0x7FA}, {0x800, 0x815},
    {0x81A, 0x81A}, {0x824, 0x824}, {0x828, 0x828}, {0x840, 0x858}, {0x860, 0x86A}, {0x870, 0x887},
    {0x889, 0x88E}, {0x8A0, 0x8C9}, {0x904, 0x939}, {0x93D, 0x93D}, {0x950, 0x950}, {0x958, 0x961},
    {0x971, 0x980}, {0x985, 0x98C}, {0x98F, 0x990}, {0x993, 0x9A8}, {0x9AA, 0x9B0}, {0x9B2, 0x9B2},
    {0x9B6, 0x9B9}, {0x9BD, 0x9BD}, {0x9CE, 0x9CE}, {0x9DC, 0x9DD}, {0x9DF, 0x9E1}, {0x9F0, 0x9F1},
    {0x9FC, 0x9FC}, {0xA05, 0xA0A}, {0xA0F, 0xA10}, {0xA13, 0xA28}, {0xA2A, 0xA30}, {0xA32, 0xA33},
    {0xA35, 0xA36}, {0xA38, 0xA39}, {0xA59, 0xA5C}, {0xA5E, 0xA5E}, {0xA72, 0xA74}, {0xA85, 0xA8D},
    {0xA8F, 0xA91}, {0xA93, 0xAA8}, {0xAAA, 0xAB0}, {0xAB2, 0xAB3}, {0xAB5, 0xAB9}, {0xABD, 0xABD},
    {0xAD0, 0xAD0}, {0xAE0, 0xAE1}, {0xAF9, 0xAF9}, {0xB05, 0xB0C}, {0xB0F, 0xB10}, {0xB13, 0xB28},
    {0xB2A, 0xB30}, {0xB32, 0xB33}, {0xB35, 0xB39}, {0xB3D, 0xB3D}, {0xB5C, 0xB5D}, {0xB5F, 0xB61},
    {0xB71, 0xB71}, {0xB83, 0xB83}, {0xB85, 0xB8A}, {0xB8E, 0xB90}, {0xB92, 0xB95}, {0xB99, 0xB9A},
    {0xB9C, 0xB9C}, {0xB9E, 0xB9F}, {0xBA3, 0xBA4}, {0xBA8, 0xBAA}, {0xBAE, 0xBB9}, {0xBD0, 0xBD0},
    {0xC05, 0xC0C}, {0xC0E, 0xC10}, {0xC12, 0xC28}, {0xC2A, 0xC39}, {0xC3D, 0xC3D}, {0xC58, 0xC5A},
    {0xC5D, 0xC5D}, {0xC60, 0xC61}, {0xC80, 0xC80}, {0xC85, 0xC8C}, {0xC8E, 0xC90}, {0xC92, 0xCA8},
    {0xCAA, 0xCB3}, {0xCB5, 0xCB9}, {0xCBD, 0xCBD}, {0xCDD, 0xCDE}, {0xCE0, 0xCE1}, {0xCF1, 0xCF2},
    {0xD04, 0xD0C}, {0xD0E, 0xD10}, {0xD12, 0xD3A}, {0xD3D, 0xD3D}, {0xD4E, 0xD4E}, {0xD54, 0xD56},
    {0xD5F, 0xD61}, {0xD7A, 0xD7F}, {0xD85, 0xD96}, {0xD9A, 0xDB1}, {0xDB3, 0xDBB}, {0xDBD, 0xDBD},
    {0xDC0, 0xDC6}, {0xE01, 0xE30}, {0xE32, 0xE33}, {0xE40, 0xE46}, {0xE81, 0xE82}, {0xE84, 0xE84},
    {0xE86, 0xE8A}, {0xE8C, 0xEA3}, {0xEA5, 0xEA5}, {0xEA7, 0xEB0}, {0xEB2, 0xEB3}, {0xEBD, 0xEBD},
    {0xEC0, 0xEC4}, {0xEC6, 0xEC6}, {0xEDC, 0xEDF}, {0xF00, 0xF00}, {0xF40, 0xF47}, {0xF49, 0xF6C},
    {0xF88, 0xF8C}, {0x1000, 0x102A}, {0x103F, 0x103F}, {0x1050, 0x1055}, {0x105A, 0x105D},
    {0x1061, 0x1061}, {0x1065, 0x1066}, {0x106E, 0x1070}, {0x1075, 0x1081}, {0x108E, 0x108E},
    {0x10A0, 0x10C5}, {0x10C7, 0x10C7}, {0x10CD, 0x10CD}, {0x10D0, 0x10FA}, {0x10FC, 0x1248},
    {0x124A, 0x124D}, {0x1250, 0x1256}, {0x1258, 0x1258}, {0x125A, 0x125D}, {0x1260, 0x1288},
    {0x128A, 0x128D}, {0x1290, 0x12B0}, {0x12B2, 0x12B5}, {0x12B8, 0x12BE}, {0x12C0, 0x12C0},
    {0x12C2, 0x12C5}, {0x12C8, 0x12D6}, {0x12D8, 0x1310}, {0x1312, 0x1315}, {0x1318, 0x135A},
    {0x1380, 0x138F}, {0x13A0, 0x13F5}, {0x13F8, 0x13FD}, {0x1401, 0x166C}, {0x166F, 0x167F},
    {0x1681, 0x169A}, {0x16A0, 0x16EA}, {0x16F1, 0x16F8}, {0x1700, 0x1711}, {0x171F, 0x1731},
    {0x1740, 0x1751}, {0x1760, 0x176C}, {0x176E, 0x1770}, {0x1780, 0x17B3}, {0x17D7, 0x17D7},
    {0x17DC, 0x17DC}, {0x1820, 0x1878}, {0x1880, 0x1884}, {0x1887, 0x18A8}, {0x18AA, 0x18AA},
    {0x18B0, 0x18F5}, {0x1900, 0x191E}, {0x1950, 0x196D}, {0x1970, 0x1974}, {0x1980, 0x19AB},
    {0x19B0, 0x19C9}, {0x1A00, 0x1A16}, {0x1A20, 0x1A54}, {0x1AA7, 0x1AA7}, {0x1B05, 0x1B33},
    {0x1B45, 0x1B4C}, {0x1B83, 0x1BA0}, {0x1BAE, 0x1BAF}, {0x1BBA, 0x1BE5}, {0x1C00, 0x1C23},
    {0x1C4D, 0x1C4F}, {0x1C5A, 0x1C7D}, {0x1C80, 0x1C88}, {0x1C90, 0x1CBA}, {0x1CBD, 0x1CBF},
    {0x1CE9, 0x1CEC}, {0x1CEE, 0x1CF3}, {0x1CF5, 0x1CF6}, {0x1CFA, 0x1CFA}, {0x1D00, 0x1DBF},
    {0x1E00, 0x1F15}, {0x1F18, 0x1F1D}, {0x1F20, 0x1F45}, {0x1F48, 0x1F4D}, {0x1F50, 0x1F57},
    {0x1F59, 0x1F59}, {0x1F5B, 0x1F5B}, {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4},
    {0x1FB6, 0x1FBC}, {0x1FBE, 0x1FBE}, {0x1FC2, 0x1FC4}, {0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3},
    {0x1FD6, 0x1FDB}, {0x1FE0, 0x1FEC}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC}, {0x2071, 0x2071},
    {0x207F, 0x207F}, {0x2090, 0x209C}, {0x2102, 0x2102}, {0x2107, 0x2107}, {0x210A, 0x2113},
    {0x2115, 0x2115}, {0x2119, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126}, {0x2128, 0x2128},
    {0x212A, 0x212D}, {0x212F, 0x2139}, {0x213C, 0x213F}, {0x2145, 0x2149}, {0x214E, 0x214E},
    {0x2183, 0x2184}, {0x2C00, 0x2CE4}, {0x2CEB, 0x2CEE}, {0x2CF2, 0x2CF3}, {0x2D00, 0x2D25},
    {0x2D27, 0x2D27}, {0x2D2D, 0x2D2D}, {0x2D30, 0x2D67}, {0x2D6F, 0x2D6F}, {0x2D80, 0x2D96},
    {0x2DA0, 0x2DA6}, {0x2DA8, 0x2DAE}, {0x2DB0, 0x2DB6}, {0x2DB8, 0x2DBE}, {0x2DC0, 0x2DC6},
    {0x2DC8, 0x2DCE}, {0x2DD0, 0x2DD6}, {0x2DD8, 0x2DDE}, {0x2E2F, 0x2E2F}, {0x3005, 0x3006},
    {0x3031, 0x3035}, {0x303B, 0x303C}, {0x3041, 0x3096}, {0x309D, 0x309F}, {0x30A1, 0x30FA},
    {0x30FC, 0x30FF}, {0x3105, 0x312F}, {0x3131, 0x318E}, {0x31A0, 0x31BF}, {0x31F0, 0x31FF},
    {0x3400, 0x4DBF}, {0x4E00, 0xA48C}, {0xA4D0, 0xA4FD}, {0xA500, 0xA60C}, {0xA610, 0xA61F},
    {0xA62A, 0xA62B}, {0xA640, 0xA66E}, {0xA67F, 0xA69D}, {0xA6A0, 0xA6E5}, {0xA717, 0xA71F},
    {0xA722, 0xA788}, {0xA78B, 0xA7CA}, {0xA7D0, 0xA7D1}, {0xA7D3, 0xA7D3}, {0xA7D5, 0xA7D9},
    {0xA7F2, 0xA801}, {0xA803, 0xA805}, {0xA807, 0xA80A}, {0xA80C, 0xA822}, {0xA840, 0xA873},
    {0xA882, 0xA8B3}, {0xA8F2, 0xA8F7}, {0xA8FB, 0xA8FB}, {0xA8FD, 0xA8FE}, {0xA90A, 0xA925},
    {0xA930, 0xA946}, {0xA960, 0xA97C}, {0xA984, 0xA9B2}, {0xA9CF, 0xA9CF}, {0xA9E0, 0xA9E4},
    {0xA9E6, 0xA9EF}, {0xA9FA, 0xA9FE}, {0xAA00, 0xAA28}, {0xAA40, 0xAA42}, {0xAA44, 0xAA4B},
    {0xAA60, 0xAA76}, {0xAA7A, 0xAA7A}, {0xAA7E, 0xAAAF}, {0xAAB1, 0xAAB1}, {0xAAB5, 0xAAB6},
    {0xAAB9, 0xAABD}, {0xAAC0, 0xAAC0}, {0xAAC2, 0xAAC2}, {0xAADB, 0xAADD}, {0xAAE0, 0xAAEA},
    {0xAAF2, 0xAAF4}, {0xAB01, 0xAB06}, {0xAB09, 0xAB0E}, {0xAB11, 0xAB16}, {0xAB20, 0xAB26},
    {0xAB28, 0xAB2E}, {0xAB30, 0xAB5A}, {0xAB5C, 0xAB69}, {0xAB70, 0xABE2}, {0xAC00, 0xD7A3},
    {0xD7B0, 0xD7C6}, {0xD7CB, 0xD7FB}, {0xF900, 0xFA6D}, {0xFA70, 0xFAD9}, {0xFB00, 0xFB06},
    {0xFB13, 0xFB17}, {0xFB1D, 0xFB1D}, {0xFB1F, 0xFB28}, {0xFB2A, 0xFB36}, {0xFB38, 0xFB3C},
    {0xFB3E, 0xFB3E}, {0xFB40, 0xFB41}, {0xFB43, 0xFB44}, {0xFB46, 0xFBB1}, {0xFBD3, 0xFD3D},
    {0xFD50, 0xFD8F}, {0xFD92, 0xFDC7}, {0xFDF0, 0xFDFB}, {0xFE70, 0xFE74}, {0xFE76, 0xFEFC},
    {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}, {0xFF66, 0xFFBE}, {0xFFC2, 0xFFC7}, {0xFFCA, 0xFFCF},
    {0xFFD2, 0xFFD7}, {0xFFDA, 0xFFDC}, {0x10000, 0x1000B}, {0x1000D, 0x10026}, {0x10028, 0x1003A},
    {0x1003C, 0x1003D}, {0x1003F, 0x1004D}, {0x10050, 0x1005D}, {0x10080, 0x100FA},
    {0x10280, 0x1029C}, {0x102A0, 0x102D0}, {0x10300, 0x1031F}, {0x1032D, 0x10340},
    {0x10342, 0x10349}, {0x10350, 0x10375}, {0x10380, 0x1039D}, {0x103A0, 0x103C3},
    {0x103C8, 0x103CF}, {0x10400, 0x1049D}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB},
    {0x10500, 0x10527}, {0x10530, 0x10563}, {0x10570, 0x1057A}, {0x1057C, 0x1058A},
    {0x1058C, 0x10592}, {0x10594, 0x10595}, {0x10597, 0x105A1}, {0x105A3, 0x105B1},
    {0x105B3, 0x105B9}, {0x105BB, 0x105BC}, {0x10600, 0x10736}, {0x10740, 0x10755},
    {0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107B0}, {0x107B2, 0x107BA},
    {0x10800, 0x10805}, {0x10808, 0x10808}, {0x1080A, 0x10835}, {0x10837, 0x10838},
    {0x1083C, 0x1083C}, {0x1083F, 0x10855}, {0x10860, 0x10876}, {0x10880, 0x1089E},
    {0x108E0, 0x108F2}, {0x108F4, 0x108F5}, {0x10900, 0x10915}, {0x10920, 0x10939},
    {0x10980, 0x109B7}, {0x109BE, 0x109BF}, {0x10A00, 0x10A00}, {0x10A10, 0x10A13},
    {0x10A15, 0x10A17}, {0x10A19, 0x10A35}, {0x10A60, 0x10A7C}, {0x10A80, 0x10A9C},
    {0x10AC0, 0x10AC7}, {0x10AC9, 0x10AE4}, {0x10B00, 0x10B35}, {0x10B40, 0x10B55},
    {0x10B60, 0x10B72}, {0x10B80, 0x10B91}, {0x10C00, 0x10C48}, {0x10C80, 0x10CB2},
    {0x10CC0, 0x10CF2}, {0x10D00, 0x10D23}, {0x10E80, 0x10EA9}, {0x10EB0, 0x10EB1},
    {0x10F00, 0x10F1C}, {0x10F27, 0x10F27}, {0x10F30, 0x10F45}, {0x10F70, 0x10F81},
    {0x10FB0, 0x10FC4}, {0x10FE0, 0x10FF6}, {0x11003, 0x11037}, {0x11071, 0x11072},
    {0x11075, 0x11075}, {0x11083, 0x110AF}, {0x110D0, 0x110E8}, {0x11103, 0x11126},
    {0x11144, 0x11144}, {0x11147, 0x11147}, {0x11150, 0x11172}, {0x11176, 0x11176},
    {0x11183, 0x111B2}, {0x111C1, 0x111C4}, {0x111DA, 0x111DA}, {0x111DC, 0x111DC},
    {0x11200, 0x11211}, {0x11213, 0x1122B}, {0x1123F, 0x11240}, {0x11280, 0x11286},
    {0x11288, 0x11288}, {0x1128A, 0x1128D}, {0x1128F, 0x1129D}, {0x1129F, 0x112A8},
    {0x112B0, 0x112DE}, {0x11305, 0x1130C}, {0x1130F, 0x11310}, {0x11313, 0x11328},
    {0x1132A, 0x11330}, {0x11332, 0x11333}, {0x11335, 0x11339}, {0x1133D, 0x1133D},
    {0x11350, 0x11350}, {0x1135D, 0x11361}, {0x11400, 0x11434}, {0x11447, 0x1144A},
    {0x1145F, 0x11461}, {0x11480, 0x114AF}, {0x114C4, 0x114C5}, {0x114C7, 0x114C7},
    {0x11580, 0x115AE}, {0x115D8, 0x115DB}, {0x11600, 0x1162F}, {0x11644, 0x11644},
    {0x11680, 0x116AA}, {0x116B8, 0x116B8}, {0x11700, 0x1171A}, {0x11740, 0x11746},
    {0x11800, 0x1182B}, {0x118A0, 0x118DF}, {0x118FF, 0x11906}, {0x11909, 0x11909},
    {0x1190C, 0x11913}, {0x11915, 0x11916}, {0x11918, 0x1192F}, {0x1193F, 0x1193F},
    {0x11941, 0x11941}, {0x119A0, 0x119A7}, {0x119AA, 0x119D0}, {0x119E1, 0x119E1},
    {0x119E3, 0x119E3}, {0x11A00, 0x11A00}, {0x11A0B, 0x11A32}, {0x11A3A, 0x11A3A},
    {0x11A50, 0x11A50}, {0x11A5C, 0x11A89}, {0x11A9D, 0x11A9D}, {0x11AB0, 0x11AF8},
    {0x11C00, 0x11C08}, {0x11C0A, 0x11C2E}, {0x11C40, 0x11C40}, {0x11C72, 0x11C8F},
    {0x11D00, 0x11D06}, {0x11D08, 0x11D09}, {0x11D0B, 0x11D30}, {0x11D46, 0x11D46},
    {0x11D60, 0x11D65}, {0x11D67, 0x11D68}, {0x11D6A, 0x11D89}, {0x11D98, 0x11D98},
    {0x11EE0, 0x11EF2}, {0x11F02, 0x11F02}, {0x11F04, 0x11F10}, {0x11F12, 0x11F33},
    {0x11FB0, 0x11FB0}, {0x12000, 0x12399}, {0x12480, 0x12543}, {0x12F90, 0x12FF0},
    {0x13000, 0x1342F}, {0x13441, 0x13446}, {0x14400, 0x14646}, {0x16800, 0x16A38},
    {0x16A40, 0x16A5E}, {0x16A70, 0x16ABE}, {0x16AD0, 0x16AED}, {0x16B00, 0x16B2F},
    {0x16B40, 0x16B43}, {0x16B63, 0x16B77}, {0x16B7D, 0x16B8F}, {0x16E40, 0x16E7F},
    {0x16F00, 0x16F4A}, {0x16F50, 0x16F50}, {0x16F93, 0x16F9F}, {0x16FE0, 0x16FE1},
    {0x16FE3, 0x16FE3}, {0x17000, 0x187F7}, {0x18800, 0x18CD5}, {0x18D00, 0x18D08},
    {0x1AFF0, 0x1AFF3}, {0x1AFF5, 0x1AFFB}, {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122},
    {0x1B132, 0x1B132}, {0x1B150, 0x1B152}, {0x1B155, 0x1B155}, {0x1B164, 0x1B167},
    {0x1B170, 0x1B2FB}, {0x1BC00, 0x1BC6A}, {0x1BC70, 0x1BC7C}, {0x1BC80, 0x1BC88},
    {0x1BC90, 0x1BC99}, {0x1D400, 0x1D454}, {0x1D456, 0x1D49C}, {0x1D49E, 0x1D49F},
    {0x1D4A2, 0x1D4A2}, {0x1D4A5, 0x1D4A6}, {0x1D4A9, 0x1D4AC}, {0x1D4AE, 0x1D4B9},
    {0x1D4BB, 0x1D4BB}, {0x1D4BD, 0x1D4C3}, {0x1D4C5, 0x1D505}, {0x1D507, 0x1D50A},
    {0x1D50D, 0x1D514}, {0x1D516, 0x1D51C}, {0x1D51E, 0x1D539}, {0x1D53B, 0x1D53E},
    {0x1D540, 0x1D544}, {0x1D546, 0x1D546}, {0x1D54A, 0x1D550}, {0x1D552, 0x1D6A5},
    {0x1D6A8, 0x1D6C0}, {0x1D6C2, 0x1D6DA}, {0x1D6DC, 0x1D6FA}, {0x1D6FC, 0x1D714},
    {0x1D716, 0x1D734}, {0x1D736, 0x1D74E}, {0x1D750, 0x1D76E}, {0x1D770, 0x1D788},
    {0x1D78A, 0x1D7A8}, {0x1D7AA, 0x1D7C2}, {0x1D7C4, 0x1D7CB}, {0x1DF00, 0x1DF1E},
    {0x1DF25, 0x1DF2A}, {0x1E030, 0x1E06D}, {0x1E100, 0x1E12C}, {0x1E137, 0x1E13D},
    {0x1E14E, 0x1E14E}, {0x1E290, 0x1E2AD}, {0x1E2C0, 0x1E2EB}, {0x1E4D0, 0x1E4EB},
    {0x1E7E0, 0x1E7E6}, {0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE}, {0x1E7F0, 0x1E7FE},
    {0x1E800, 0x1E8C4}, {0x1E900, 0x1E943}, {0x1E94B, 0x1E94B}, {0x1EE00, 0x1EE03},
    {0x1EE05, 0x1EE1F}, {0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24}, {0x1EE27, 0x1EE27},
    {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39}, {0x1EE3B, 0x1EE3B},
    {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49}, {0x1EE4B, 0x1EE4B},
    {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54}, {0x1EE57, 0x1EE57},
    {0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D}, {0x1EE5F, 0x1EE5F},
    {0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A}, {0x1EE6C, 0x1EE72},
    {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C}, {0x1EE7E, 0x1EE7E}, {0x1EE80, 0x1EE89},
    {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9}, {0x1EEAB, 0x1EEBB},
    {0x20000, 0x2A6DF}, {0x2A700, 0x2B739}, {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1},
    {0x2CEB0, 0x2EBE0}, {0x2F800, 0x2FA1D}, {0x30000, 0x3134A}, {0x31350, 0x323AF},
};
static const struct rune_range digit_ranges[] = {
    {0x660, 0x669}, {0x6F0, 0x6F9}, {0x7C0, 0x7C9}, {0x966, 0x96F}, {0x9E6, 0x9EF}, {0xA66, 0xA6F},
    {0xAE6, 0xAEF}, {0xB66, 0xB6F}, {0xBE6, 0xBEF}, {0xC66, 0xC6F}, {0xCE6, 0xCEF}, {0xD66, 0xD6F},
    {0xDE6, 0xDEF}, {0xE50, 0xE59}, {0xED0, 0xED9}, {0xF20, 0xF29}, {0x1040, 0x1049},
    {0x1090, 0x1099}, {0x17E0, 0x17E9}, {0x1810, 0x1819}, {0x1946, 0x194F}, {0x19D0, 0x19D9},
    {0x1A80, 0x1A89}, {0x1A90, 0x1A99}, {0x1B50, 0x1B59}, {0x1BB0, 0x1BB9}, {0x1C40, 0x1C49},
    {0x1C50, 0x1C59}, {0xA620, 0xA629}, {0xA8D0, 0xA8D9}, {0xA900, 0xA909}, {0xA9D0, 0xA9D9},
    {0xA9F0, 0xA9F9}, {0xAA50, 0xAA59}, {0xABF0, 0xABF9}, {0xFF10, 0xFF19}, {0x104A0, 0x104A9},
    {0x10D30, 0x10D39}, {0x11066, 0x1106F}, {0x110F0, 0x110F9}, {0x11136, 0x1113F},
    {0x111D0, 0x111D9}, {0x112F0, 0x112F9}, {0x11450, 0x11459}, {0x114D0, 0x114D9},
    {0x11650, 0x11659}, {0x116C0, 0x116C9}, {0x11730, 0x11739}, {0x118E0, 0x118E9},
    {0x11950, 0x11959}, {0x11C50, 0x11C59}, {0x11D50, 0x11D59}, {0x11DA0, 0x11DA9},
    {0x11F50, 0x11F59}, {0x16A60, 0x16A69}, {0x16AC0, 0x16AC9}, {0x16B50, 0x16B59},
    {0x1D7CE, 0x1D7FF}, {0x1E140, 0x1E149}, {0x1E2F0, 0x1E2F9}, {0x1E4F0, 0x1E4F9},
    {0x1E950, 0x1E959}, {0x1FBF0, 0x1FBF9},
};

static bool in_ranges(const struct rune_range *r, size_t n, int32_t c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uint32_t)c < r[mid].lo)
            hi = mid;
        else if ((uint32_t)c > r[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

static bool is_letter(int32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return in_ranges(letter_ranges, sizeof letter_ranges / sizeof *letter_ranges, c);
}

static bool is_digit(int32_t c)
{
    if (c < 0x80)
        return c >= '0' && c <= '9';
    return in_ranges(digit_ranges, sizeof digit_ranges / sizeof *digit_ranges, c);
}

static bool is_name_char(int32_t c)
{
    return c == '_' || is_letter(c) || is_digit(c);
}

/* POSIX special parameters; '0' is read as a digit first. */
static bool is_special_param(int32_t c)
{
    switch (c) {
    case '@': case '*': case '#': case '?': case '-': case '$': case '!': case '0':
        return true;
    default:
        return false;
    }
}

static bool is_space(int32_t c)
{
    switch (c) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

/* Go's utf8.DecodeRune (an invalid or truncated sequence is U+FFFD, 1 byte),
 * with DF_EOF at the end of the input. */
static int32_t utf8_decode(const char *p, size_t n, size_t *width)
{
    if (n == 0) {
        *width = 0;
        return DF_EOF;
    }
    return (int32_t)ed_utf8_decode(p, n, width);
}

static void put_rune(ed_buf *b, int32_t r)
{
    char s[4];
    uint32_t c = (uint32_t)r;
    if (c < 0x80) {
        ed_buf_addc(b, (char)c);
    } else if (c < 0x800) {
        s[0] = (char)(0xC0 | (c >> 6));
        s[1] = (char)(0x80 | (c & 0x3F));
        ed_buf_add(b, s, 2);
    } else if (c < 0x10000) {
        s[0] = (char)(0xE0 | (c >> 12));
        s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[2] = (char)(0x80 | (c & 0x3F));
        ed_buf_add(b, s, 3);
    } else {
        s[0] = (char)(0xF0 | (c >> 18));
        s[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[3] = (char)(0x80 | (c & 0x3F));
        ed_buf_add(b, s, 4);
    }
}

/* A string as runes (Go's []rune(s)), with the byte offset of each rune;
 * off[n] is the length. */
typedef struct runes {
    int32_t *r;
    size_t *off;
    size_t n;
} runes;

static runes decode_all(ed_arena *arena, const char *s, size_t len)
{
    runes out;
    out.r = ed_arena_calloc(arena, len + 1, sizeof *out.r);
    out.off = ed_arena_calloc(arena, len + 1, sizeof *out.off);
    out.n = 0;
    size_t pos = 0, w;
    while (pos < len) {
        out.off[out.n] = pos;
        out.r[out.n++] = utf8_decode(s + pos, len - pos, &w);
        pos += w;
    }
    out.off[out.n] = len;
    return out;
}

/* ---- Glob patterns: what BuildKit's convertShellPatternToRegex allows ----
 * '*' and '?' are wildcards that (being regexp '.') never match a newline;
 * "\*" "\?" "\\" are literals, '\' before '}' or '/' is dropped, any other
 * escape is an error. There are no bracket expressions: '[' is literal. */

enum { G_LIT, G_ANY, G_STAR };

typedef struct gtok {
    int kind;
    int32_t rune;
} gtok;

typedef struct glob {
    gtok *t;
    size_t n;
} glob;

/* Returns NULL, or the reason the pattern is invalid. */
static const char *glob_compile(ed_arena *arena, const int32_t *p, size_t n, glob *g)
{
    g->t = ed_arena_calloc(arena, n + 1, sizeof *g->t);
    g->n = 0;
    size_t i = 0;
    if (n > 0 && p[0] == 0xFEFF)
        i = 1; /* text/scanner skips a leading BOM */
    for (; i < n; i++) {
        int32_t r = p[i];
        int kind = G_LIT;
        if (r == '*') {
            kind = G_STAR;
        } else if (r == '?') {
            kind = G_ANY;
        } else if (r == '\\') {
            if (i + 1 < n && (p[i + 1] == '}' || p[i + 1] == '/'))
                continue; /* escaped in ${} syntax only: take the next as is */
            if (i + 1 == n)
                return "invalid escape '\\' at end of pattern";
            r = p[++i];
            if (r != '*' && r != '?' && r != '\\') {
                ed_buf b = ED_BUF_INIT;
                ed_buf_adds(&b, "invalid escape '\\");
                put_rune(&b, r);
                ed_buf_addc(&b, '\'');
                char *msg = ed_buf_to_arena(&b, arena);
                ed_buf_free(&b);
                return msg;
            }
        }
        g->t[g->n].kind = kind;
        g->t[g->n].rune = r;
        g->n++;
    }
    return NULL;
}

/* Follows the free moves: a star may match nothing. States are the start
 * position of the match that reached them (smallest wins), -1 when off. */
static void glob_close(const glob *g, ptrdiff_t *st)
{
    for (size_t i = 0; i < g->n; i++) {
        if (g->t[i].kind == G_STAR && st[i] >= 0 && (st[i + 1] < 0 || st[i] < st[i + 1]))
            st[i + 1] = st[i];
    }
}

static void set_min(ptrdiff_t *slot, ptrdiff_t v)
{
    if (*slot < 0 || v < *slot)
        *slot = v;
}

/* One rune of input: cur -> nxt. Returns whether any state is still on. */
static bool glob_step(const glob *g, const ptrdiff_t *cur, ptrdiff_t *nxt, int32_t c)
{
    bool any = false;
    for (size_t i = 0; i <= g->n; i++)
        nxt[i] = -1;
    for (size_t i = 0; i < g->n; i++) {
        if (cur[i] < 0)
            continue;
        const gtok *t = &g->t[i];
        if (t->kind == G_STAR && c != '\n') {
            set_min(&nxt[i], cur[i]);
            any = true;
        } else if ((t->kind == G_ANY && c != '\n') || (t->kind == G_LIT && t->rune == c)) {
            set_min(&nxt[i + 1], cur[i]);
            any = true;
        }
    }
    glob_close(g, nxt);
    return any;
}

/* Length in runes of the shortest (or longest) prefix of s[0..n) that the
 * pattern matches whole; -1 if none. This is what BuildKit's anchored
 * regexp finds with lazy (or greedy) stars. */
static ptrdiff_t glob_prefix(ed_arena *arena, const glob *g, const int32_t *s, size_t n, bool longest)
{
    ptrdiff_t *cur = ed_arena_calloc(arena, g->n + 1, sizeof *cur);
    ptrdiff_t *nxt = ed_arena_calloc(arena, g->n + 1, sizeof *nxt);
    for (size_t i = 0; i <= g->n; i++)
        cur[i] = -1;
    cur[0] = 0;
    glob_close(g, cur);
    ptrdiff_t best = -1;
    for (size_t p = 0;; p++) {
        if (cur[g->n] >= 0) {
            best = (ptrdiff_t)p;
            if (!longest)
                break;
        }
        if (p == n || !glob_step(g, cur, nxt, s[p]))
            break;
        ptrdiff_t *tmp = cur;
        cur = nxt;
        nxt = tmp;
    }
    return best;
}

/* Leftmost match starting at or after `from`, the longest one there (what
 * Go's regexp finds with greedy stars). Rune indexes in *a0, *a1. */
static bool glob_find(const glob *g, const int32_t *s, size_t n, size_t from, ptrdiff_t *cur,
                      ptrdiff_t *nxt, size_t *a0, size_t *a1)
{
    ptrdiff_t best_start = -1;
    size_t best_end = 0;
    for (size_t i = 0; i <= g->n; i++)
        cur[i] = -1;
    for (size_t p = from;; p++) {
        if (best_start < 0) {
            set_min(&cur[0], (ptrdiff_t)p); /* a match may start here */
            glob_close(g, cur);
        }
        ptrdiff_t st = cur[g->n];
        if (st >= 0 && (best_start < 0 || st < best_start || (st == best_start && p > best_end))) {
            best_start = st;
            best_end = p;
        }
        if (p == n)
            break;
        glob_step(g, cur, nxt, s[p]);
        ptrdiff_t *tmp = cur;
        cur = nxt;
        nxt = tmp;
        if (best_start >= 0) {
            /* Later starts cannot win any more. */
            bool any = false;
            for (size_t i = 0; i <= g->n; i++) {
                if (cur[i] > best_start)
                    cur[i] = -1;
                else if (cur[i] >= 0)
                    any = true;
            }
            if (!any)
                break;
        }
    }
    if (best_start < 0)
        return false;
    *a0 = (size_t)best_start;
    *a1 = best_end;
    return true;
}

/* ---- The lexer ---- */

typedef struct lexer {
    ed_arena *arena;
    const char *in;
    size_t len;
    size_t pos; /* next byte to read */
    int32_t escape;
    df_lookup_fn lookup;
    void *ctx;
    int depth; /* nesting of ${...} words */
    /* ProcessWords: the word being built, shared by all nesting levels as in
     * BuildKit, and the finished words (char * into the arena). */
    bool want_words;
    bool in_word;
    ed_buf word;
    ed_buf words;
    const char *err_msg;
    size_t err_off;
} lexer;

static int32_t peek(const lexer *lx)
{
    size_t w;
    return utf8_decode(lx->in + lx->pos, lx->len - lx->pos, &w);
}

static int32_t next(lexer *lx)
{
    size_t w;
    int32_t r = utf8_decode(lx->in + lx->pos, lx->len - lx->pos, &w);
    lx->pos += w;
    return r;
}

static bool fail(lexer *lx, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool fail(lexer *lx, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lx->err_msg = ed_arena_vprintf(lx->arena, fmt, ap);
    va_end(ap);
    lx->err_off = off;
    return false;
}

/* Input bytes [from, to) re-encoded rune by rune, for messages. */
static char *input_text(lexer *lx, size_t from, size_t to)
{
    ed_buf b = ED_BUF_INIT;
    size_t w;
    while (from < to) {
        put_rune(&b, utf8_decode(lx->in + from, to - from, &w));
        from += w;
    }
    char *s = ed_buf_to_arena(&b, lx->arena);
    ed_buf_free(&b);
    return s;
}

static const char *buf_str(const ed_buf *b)
{
    return b->data ? b->data : "";
}

/* ---- ProcessWords' word splitting (BuildKit's wordsStruct) ---- */

static void word_push(lexer *lx)
{
    char *w = ed_buf_to_arena(&lx->word, lx->arena);
    ed_buf_add(&lx->words, (const char *)&w, sizeof w);
    lx->in_word = false;
}

/* An unquoted character: blanks end the word. */
static void words_add_char(lexer *lx, int32_t c)
{
    if (is_space(c)) {
        if (lx->in_word && lx->word.len > 0)
            word_push(lx);
    } else {
        put_rune(&lx->word, c);
        lx->in_word = true;
    }
}

static void words_add_raw_char(lexer *lx, int32_t c)
{
    put_rune(&lx->word, c);
    lx->in_word = true;
}

/* Quoted text: kept whole, blanks included. */
static void words_add_raw(lexer *lx, const char *s, size_t n)
{
    if (n > 0)
        ed_buf_add(&lx->word, s, n);
    lx->in_word = true;
}

/* The value of an unquoted $V: split on its blanks. */
static void words_add_expanded(lexer *lx, const char *s, size_t n)
{
    size_t pos = 0, w;
    while (pos < n) {
        words_add_char(lx, utf8_decode(s + pos, n - pos, &w));
        pos += w;
    }
}

/* ---- Lexing ---- */

static bool process_until(lexer *lx, int32_t stop, bool raw, ed_buf *out, bool top);
static bool process_dollar(lexer *lx, ed_buf *out);

static const char *get_env(lexer *lx, size_t name, size_t name_len, size_t dollar)
{
    if (!lx->lookup)
        return NULL;
    char *s = ed_arena_strndup(lx->arena, lx->in + name, name_len);
    return lx->lookup(lx->ctx, s, name_len, dollar);
}

/* A name after '$': letters, digits, '_'; or all digits; or one special
 * parameter. Returns its start; it ends at lx->pos. */
static size_t process_name(lexer *lx)
{
    size_t start = lx->pos;
    for (int32_t c = peek(lx); c != DF_EOF; c = peek(lx)) {
        if (lx->pos == start && is_digit(c)) {
            while (is_digit(peek(lx)))
                next(lx);
            break;
        }
        if (lx->pos == start && is_special_param(c)) {
            next(lx);
            break;
        }
        if (!is_name_char(c))
            break;
        next(lx);
    }
    return start;
}

static bool single_quote(lexer *lx, ed_buf *out)
{
    size_t open = lx->pos;
    next(lx);
    for (;;) {
        int32_t c = next(lx);
        if (c == DF_EOF)
            return fail(lx, open, "unexpected end of statement while looking for matching single-quote");
        if (c == '\'')
            return true;
        put_rune(out, c);
    }
}

/* Inside double quotes the escape character only escapes '"', '$' and
 * itself; before anything else it stays. raw keeps escapes for patterns. */
static bool double_quote(lexer *lx, bool raw, ed_buf *out)
{
    size_t open = lx->pos;
    next(lx);
    for (;;) {
        int32_t c = peek(lx);
        if (c == DF_EOF)
            return fail(lx, open, "unexpected end of statement while looking for matching double-quote");
        if (c == '"') {
            next(lx);
            return true;
        }
        if (c == '$') {
            if (!process_dollar(lx, out))
                return false;
            continue;
        }
        c = next(lx);
        if (c == lx->escape) {
            if (raw)
                put_rune(out, c);
            int32_t after = peek(lx);
            if (after == DF_EOF)
                continue; /* dropped; the loop then reports the open quote */
            if (after == '"' || after == '$' || after == lx->escape)
                c = next(lx);
        }
        put_rune(out, c);
    }
}

/* "<<" and the blanks after it are one piece, so that a heredoc marker
 * "<< EOF" stays one word. */
static bool process_heredoc(lexer *lx, ed_buf *out)
{
    next(lx);
    ed_buf_addc(out, '<');
    if (peek(lx) != '<')
        return true;
    next(lx);
    ed_buf_addc(out, '<');
    for (int32_t c = peek(lx); c == ' ' || c == '\t' || c == '\r'; c = peek(lx))
        put_rune(out, next(lx));
    return true;
}

/* The word of a ${...}, up to `stop` (a nested processStopOn). */
static bool nested_word(lexer *lx, int32_t stop, bool raw, ed_buf *out, size_t dollar)
{
    if (lx->depth >= DF_EXPAND_MAX_DEPTH)
        return fail(lx, dollar, "substitution nested too deeply");
    /* BuildKit lexes the nested word in the word buffer it shares with the
     * outer level, and leaves it empty: the outer word's text so far is lost. */
    if (lx->want_words)
        ed_buf_reset(&lx->word);
    lx->depth++;
    bool ok = process_until(lx, stop, raw, out, false);
    lx->depth--;
    return ok;
}

/* ${V#p} ${V##p} ${V%p} ${V%%p}: BuildKit's trimPrefix and trimSuffix. The
 * suffix forms reverse pattern and value and trim a prefix, which turns
 * invalid UTF-8 in the value into U+FFFD. */
static bool trim(lexer *lx, ed_buf *out, const char *value, const char *pat, size_t pat_len,
                 bool suffix, bool longest, size_t dollar)
{
    runes p = decode_all(lx->arena, pat, pat_len);
    if (suffix && p.n > 0) {
        /* Reverse, keeping each "\x" pair in order. */
        int32_t *rev = ed_arena_calloc(lx->arena, p.n, sizeof *rev);
        size_t last = p.n - 1;
        for (size_t i = 0; i <= last;) {
            if (p.r[i] == '\\' && i != last) {
                rev[last - i - 1] = '\\';
                rev[last - i] = p.r[i + 1];
                i += 2;
            } else {
                rev[last - i] = p.r[i];
                i++;
            }
        }
        p.r = rev;
    }
    glob g;
    const char *why = glob_compile(lx->arena, p.r, p.n, &g);
    if (why) {
        const char *shown = pat;
        if (suffix) { /* BuildKit shows the reversed pattern */
            ed_buf b = ED_BUF_INIT;
            for (size_t i = 0; i < p.n; i++)
                put_rune(&b, p.r[i]);
            shown = ed_buf_to_arena(&b, lx->arena);
            ed_buf_free(&b);
        }
        return fail(lx, dollar, "invalid pattern (%s) in substitution: %s", shown, why);
    }
    size_t vlen = strlen(value);
    runes v = decode_all(lx->arena, value, vlen);
    if (!suffix) {
        ptrdiff_t k = glob_prefix(lx->arena, &g, v.r, v.n, longest);
        size_t from = k >= 0 ? v.off[k] : 0;
        ed_buf_add(out, value + from, vlen - from);
        return true;
    }
    for (size_t i = 0; i < v.n / 2; i++) {
        int32_t t = v.r[i];
        v.r[i] = v.r[v.n - 1 - i];
        v.r[v.n - 1 - i] = t;
    }
    ptrdiff_t k = glob_prefix(lx->arena, &g, v.r, v.n, longest);
    for (size_t i = v.n; i > (k >= 0 ? (size_t)k : 0); i--)
        put_rune(out, v.r[i - 1]);
    return true;
}

/* Go's Regexp.Expand on a replacement of ${V//p/r}: "$$" is '$', "$0" and
 * "${0}" the matched text, any other "$name" or "${name}" nothing, and a
 * '$' with no name stays. */
static void expand_template(ed_buf *out, const char *t, size_t n, const char *match,
                            size_t match_len)
{
    size_t i = 0;
    for (;;) {
        const char *d = i < n ? memchr(t + i, '$', n - i) : NULL;
        if (!d)
            break;
        size_t k = (size_t)(d - t);
        ed_buf_add(out, t + i, k - i);
        i = k + 1;
        if (i < n && t[i] == '$') {
            ed_buf_addc(out, '$');
            i++;
            continue;
        }
        size_t j = i;
        bool brace = j < n && t[j] == '{';
        if (brace)
            j++;
        size_t name = j, w;
        while (j < n && is_name_char(utf8_decode(t + j, n - j, &w)))
            j += w;
        size_t name_len = j - name;
        if (name_len == 0 || (brace && (j >= n || t[j] != '}'))) {
            ed_buf_addc(out, '$');
            continue;
        }
        if (brace)
            j++;
        if (name_len == 1 && t[name] == '0')
            ed_buf_add(out, match, match_len);
        i = j;
    }
    ed_buf_add(out, t + i, n - i);
}

/* ${V/p/r} ${V//p/r}: regexp.FindStringIndex or ReplaceAllString with the
 * pattern unanchored and greedy, replicated with Go's loop. */
static bool replace(lexer *lx, ed_buf *out, const char *value, const ed_buf *pat,
                    const ed_buf *rep, bool all, size_t dollar)
{
    runes p = decode_all(lx->arena, buf_str(pat), pat->len);
    glob g;
    const char *why = glob_compile(lx->arena, p.r, p.n, &g);
    if (why)
        return fail(lx, dollar, "invalid pattern (%s) in substitution: %s", buf_str(pat), why);
    size_t vlen = strlen(value);
    runes v = decode_all(lx->arena, value, vlen);
    ptrdiff_t *cur = ed_arena_calloc(lx->arena, g.n + 1, sizeof *cur);
    ptrdiff_t *nxt = ed_arena_calloc(lx->arena, g.n + 1, sizeof *nxt);
    size_t a0, a1;
    if (!all) {
        if (!glob_find(&g, v.r, v.n, 0, cur, nxt, &a0, &a1)) {
            ed_buf_add(out, value, vlen);
            return true;
        }
        ed_buf_add(out, value, v.off[a0]);
        ed_buf_add(out, buf_str(rep), rep->len);
        ed_buf_add(out, value + v.off[a1], vlen - v.off[a1]);
        return true;
    }
    size_t search = 0, last = 0;
    while (search <= v.n && glob_find(&g, v.r, v.n, search, cur, nxt, &a0, &a1)) {
        ed_buf_add(out, value + v.off[last], v.off[a0] - v.off[last]);
        /* No empty match right after another match. */
        if (a1 > last || a0 == 0)
            expand_template(out, buf_str(rep), rep->len, value + v.off[a0],
                            v.off[a1] - v.off[a0]);
        last = a1;
        search = search + 1 > a1 ? search + 1 : a1;
    }
    ed_buf_add(out, value + v.off[last], vlen - v.off[last]);
    return true;
}

/* After '$'. Appends the expansion to out. */
static bool process_dollar(lexer *lx, ed_buf *out)
{
    size_t dollar = lx->pos;
    next(lx);
    if (peek(lx) != '{') {
        size_t name = process_name(lx), name_len = lx->pos - name;
        if (name_len == 0) {
            ed_buf_addc(out, '$'); /* "$" before a non-name stays */
            return true;
        }
        const char *v = get_env(lx, name, name_len, dollar);
        if (v)
            ed_buf_adds(out, v);
        return true;
    }
    next(lx);
    int32_t c = peek(lx);
    if (c == DF_EOF)
        return fail(lx, dollar, "syntax error: missing '}'");
    if (c == '{' || c == '}' || c == ':')
        return fail(lx, dollar, "syntax error: bad substitution");
    size_t name = process_name(lx), name_len = lx->pos - name;
    size_t mod = lx->pos;
    c = next(lx);
    if (c == '}') {
        const char *v = get_env(lx, name, name_len, dollar);
        if (v)
            ed_buf_adds(out, v);
        return true;
    }
    if (c == DF_EOF) /* BuildKit: "unsupported modifier (\uFFFD)" */
        return fail(lx, dollar, "syntax error: missing '}'");

    if (c == '/') {
        bool all = peek(lx) == '/';
        if (all)
            next(lx);
        ed_buf pat = ED_BUF_INIT, rep = ED_BUF_INIT;
        bool ok = nested_word(lx, '/', true, &pat, dollar);
        if (!ok && peek(lx) == DF_EOF)
            fail(lx, dollar, "syntax error: missing '/' in ${}");
        if (ok) {
            ok = nested_word(lx, '}', true, &rep, dollar);
            if (!ok && peek(lx) == DF_EOF)
                fail(lx, dollar, "syntax error: missing '}'");
        }
        if (ok) {
            const char *v = get_env(lx, name, name_len, dollar);
            ok = replace(lx, out, v ? v : "", &pat, &rep, all, dollar);
        }
        ed_buf_free(&pat);
        ed_buf_free(&rep);
        return ok;
    }

    bool null_is_unset = false; /* the ':' forms treat "" as unset */
    if (c == ':') {
        null_is_unset = true;
        c = next(lx);
    } else if (c != '+' && c != '-' && c != '?' && c != '#' && c != '%') {
        return fail(lx, mod, "unsupported modifier (%s) in substitution",
                    input_text(lx, mod, lx->pos));
    }
    size_t mod_end = lx->pos;
    bool raw = c == '#' || c == '%'; /* patterns keep their escapes */
    if (null_is_unset && raw)
        return fail(lx, mod, "unsupported modifier (%s) in substitution",
                    input_text(lx, mod, mod_end));

    ed_buf word = ED_BUF_INIT;
    if (!nested_word(lx, '}', raw, &word, dollar)) {
        if (peek(lx) == DF_EOF)
            fail(lx, dollar, "syntax error: missing '}'");
        ed_buf_free(&word);
        return false;
    }
    /* Looked up after the word, as BuildKit does. */
    const char *v = get_env(lx, name, name_len, dollar);
    bool empty = !v || (null_is_unset && !*v);
    const char *w = buf_str(&word);
    bool ok = true;
    switch (c) {
    case '-':
        if (empty)
            ed_buf_add(out, w, word.len);
        else
            ed_buf_adds(out, v);
        break;
    case '+':
        if (!empty)
            ed_buf_add(out, w, word.len);
        break;
    case '?':
        if (!v)
            ok = fail(lx, dollar, "%.*s: %s", (int)name_len, lx->in + name,
                      word.len ? w : "is not allowed to be unset");
        else if (empty)
            ok = fail(lx, dollar, "%.*s: %s", (int)name_len, lx->in + name,
                      word.len ? w : "is not allowed to be empty");
        else
            ed_buf_adds(out, v);
        break;
    case '#':
    case '%': {
        /* A doubled modifier (## %%) removes the longest match. */
        bool longest = word.len > 0 && w[0] == (char)c;
        size_t skip = longest ? 1 : 0;
        ok = trim(lx, out, v ? v : "", w + skip, word.len - skip, c == '%', longest, dollar);
        break;
    }
    default:
        ok = fail(lx, mod, "unsupported modifier (%s) in substitution",
                  input_text(lx, mod, mod_end));
        break;
    }
    ed_buf_free(&word);
    return ok;
}

/* BuildKit's processStopOn: lexes up to `stop` (consumed) or the end of the
 * input (DF_EOF). raw keeps escape characters in the output (patterns).
 * top: this is the outermost level, whose words ProcessWords returns. */
static bool process_until(lexer *lx, int32_t stop, bool raw, ed_buf *out, bool top)
{
    bool words = top && lx->want_words;
    for (;;) {
        int32_t c = peek(lx);
        if (c == DF_EOF)
            break;
        if (stop != DF_EOF && c == stop) {
            next(lx);
            return true;
        }
        if (c == '$' || c == '<' || c == '\'' || c == '"') {
            size_t mark = out->len;
            bool ok = c == '$'    ? process_dollar(lx, out)
                      : c == '<'  ? process_heredoc(lx, out)
                      : c == '\'' ? single_quote(lx, out)
                                  : double_quote(lx, raw, out);
            if (!ok)
                return false;
            if (words && c == '$')
                words_add_expanded(lx, buf_str(out) + mark, out->len - mark);
            else if (words)
                words_add_raw(lx, buf_str(out) + mark, out->len - mark);
            continue;
        }
        c = next(lx);
        if (c == lx->escape) {
            if (raw)
                put_rune(out, c);
            if (raw && words)
                words_add_raw_char(lx, c);
            c = next(lx);
            if (c == DF_EOF)
                break; /* a trailing escape character is dropped */
            if (words)
                words_add_raw_char(lx, c);
        } else if (words) {
            words_add_char(lx, c);
        }
        put_rune(out, c);
    }
    if (stop != DF_EOF) /* callers replace this with "missing '}'" */
        return fail(lx, lx->pos, "unexpected end of statement while looking for matching %c",
                    (char)stop);
    if (words && lx->word.len > 0)
        word_push(lx);
    return true;
}

/* Runs the lexer over the whole input; the expansion in out. */
static bool run(lexer *lx, ed_arena *arena, const char *in, size_t len, char escape,
                df_lookup_fn lookup, void *ctx, bool want_words, ed_buf *out)
{
    memset(lx, 0, sizeof *lx);
    lx->arena = arena;
    lx->in = in ? in : "";
    lx->len = in ? len : 0;
    lx->escape = (unsigned char)escape;
    lx->lookup = lookup;
    lx->ctx = ctx;
    lx->want_words = want_words;
    if (lx->len >= 3 && memcmp(lx->in, "\xEF\xBB\xBF", 3) == 0)
        lx->pos = 3; /* text/scanner skips a leading BOM */
    return process_until(lx, DF_EOF, false, out, true);
}

static void set_error(const lexer *lx, bool ok, df_expand_error *err)
{
    if (!err)
        return;
    err->message = ok ? NULL : lx->err_msg;
    err->offset = ok ? 0 : lx->err_off;
}

char *df_expand_word(ed_arena *arena, const char *in, size_t len, char escape,
                     df_lookup_fn lookup, void *ctx, df_expand_error *err)
{
    lexer lx;
    ed_buf out = ED_BUF_INIT;
    bool ok = run(&lx, arena, in, len, escape, lookup, ctx, false, &out);
    set_error(&lx, ok, err);
    char *s = ok ? ed_buf_to_arena(&out, arena) : NULL;
    ed_buf_free(&out);
    return s;
}

size_t df_expand_words(ed_arena *arena, const char *in, size_t len, char escape,
                       df_lookup_fn lookup, void *ctx, char ***out, df_expand_error *err)
{
    lexer lx;
    ed_buf text = ED_BUF_INIT;
    bool ok = run(&lx, arena, in, len, escape, lookup, ctx, true, &text);
    set_error(&lx, ok, err);
    size_t n = ok ? lx.words.len / sizeof(char *) : 0;
    char **list = NULL;
    if (ok) {
        list = ed_arena_calloc(arena, n + 1, sizeof *list);
        if (n > 0)
            memcpy(list, lx.words.data, n * sizeof *list);
    }
    if (out)
        *out = list;
    ed_buf_free(&text);
    ed_buf_free(&lx.word);
    ed_buf_free(&lx.words);
    return n;
}
