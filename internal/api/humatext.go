package api

import (
	"context"
	"regexp"
	"strings"

	"github.com/danielgtaylor/huma/v2/validation"

	"duban/internal/i18n"
)

// humaText is one of huma's own English messages (a format string) and the
// catalog key that says it in the caller's language: huma validates
// parameters and JSON bodies against the document before a handler runs,
// and its texts would otherwise reach a Chinese caller in English.
type humaText struct {
	re  *regexp.Regexp
	key string
}

// humaTexts lists the messages huma writes, most specific first. A
// message not listed keeps huma's text inside the generic one.
var humaTexts = compileHumaTexts([][2]string{
	{validation.MsgUnexpectedProperty, "api.val.unexpected_property"},
	{validation.MsgExpectedRFC3339DateTime, "api.val.date_time"},
	{validation.MsgExpectedRFC3339Date, "api.val.date"},
	{validation.MsgExpectedBoolean, "api.val.boolean"},
	{validation.MsgExpectedNumber, "api.val.number"},
	{validation.MsgExpectedInteger, "api.val.integer"},
	{validation.MsgExpectedString, "api.val.string"},
	{validation.MsgExpectedArray, "api.val.array"},
	{validation.MsgExpectedObject, "api.val.object"},
	{validation.MsgExpectedOneOf, "api.val.one_of"},
	{validation.MsgExpectedMinimumNumber, "api.val.minimum"},
	{validation.MsgExpectedExclusiveMinimumNumber, "api.val.exclusive_minimum"},
	{validation.MsgExpectedMaximumNumber, "api.val.maximum"},
	{validation.MsgExpectedExclusiveMaximumNumber, "api.val.exclusive_maximum"},
	{validation.MsgExpectedMinLength, "api.val.min_length"},
	{validation.MsgExpectedMaxLength, "api.val.max_length"},
	{validation.MsgExpectedMatchPattern, "api.val.pattern"},
	{validation.MsgExpectedMinItems, "api.val.min_items"},
	{validation.MsgExpectedMaxItems, "api.val.max_items"},
	{validation.MsgExpectedArrayItemsUnique, "api.val.unique_items"},
	{validation.MsgExpectedRequiredProperty, "api.val.required"},
	// Parameters (huma.go): parsing and presence.
	{"unknown query parameter", "api.val.unknown_param"},
	{"required %s parameter is missing", "api.val.param_missing"},
	{"expected at most one value, but received multiple values", "api.val.one_value"},
	{"invalid integer", "api.val.integer"},
	{"invalid float", "api.val.number"},
	{"invalid boolean", "api.val.boolean"},
	{"invalid date/time for format %s", "api.val.date_time"},
	// Whole-request messages (the problem's detail).
	{"validation failed", "api.err.invalid"},
	{"request body is required", "api.err.body_required"},
	{"request body is too large limit=%d bytes", "api.err.too_large_limit"},
	{"request body read timeout", "api.err.timeout"},
	{"unexpected error occurred", "error.500"},
})

func compileHumaTexts(pairs [][2]string) []humaText {
	verb := regexp.MustCompile(`%[vds]`)
	out := make([]humaText, 0, len(pairs))
	for _, p := range pairs {
		parts := verb.Split(p[0], -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		out = append(out, humaText{re: regexp.MustCompile("^" + strings.Join(parts, "(.*?)") + "$"), key: p[1]})
	}
	return out
}

// localize says one of huma's messages in ctx's language: the catalog
// message with the values huma put in it, or, for a message not listed,
// the generic message with huma's text after it. key is the catalog key
// ("" for an empty message).
func localize(ctx context.Context, msg string) (key, text string) {
	if msg == "" {
		return "", ""
	}
	for _, h := range humaTexts {
		if m := h.re.FindStringSubmatch(msg); m != nil {
			args := make([]any, 0, len(m)-1)
			for _, a := range m[1:] {
				args = append(args, a)
			}
			return h.key, i18n.T(ctx, h.key, args...)
		}
	}
	return "api.val.other", i18n.T(ctx, "api.val.other", msg)
}
