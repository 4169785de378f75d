package i18n

import "golang.org/x/text/language"

// supported are the catalog's languages, the default first.
var supported = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// FromAcceptLanguage picks the locale a browser asks for in its
// Accept-Language header, for a visitor who has not chosen one yet:
// English when the browser prefers English to Chinese, else zh-CN (also
// for a missing or unreadable header, and for languages we do not have).
func FromAcceptLanguage(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return ZH
	}
	_, i, conf := supported.Match(tags...)
	if conf == language.No || i != 1 {
		return ZH
	}
	return EN
}
