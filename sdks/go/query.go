package stateset

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// queryOf encodes a list's params struct as its query string: each field tagged
// `url:"name"` that is set (a non-nil pointer, a non-empty enum or list), lists as comma
// lists, as the API reads them (status_in=paid,shipped).
func queryOf(params interface{}) url.Values {
	values := url.Values{}
	v := reflect.ValueOf(params)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return values
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return values
	}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		field := t.Field(i)
		name := field.Tag.Get("url")
		if field.Anonymous || name == "" || name == "-" {
			continue
		}
		if text, set := queryValue(v.Field(i)); set {
			values.Set(name, text)
		}
	}
	return values
}

func queryValue(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return "", false
		}
		text, _ := queryValue(v.Elem())
		return text, true
	case reflect.String:
		return v.String(), v.Len() > 0
	case reflect.Int, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Slice:
		if v.Len() == 0 {
			return "", false
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i], _ = queryValue(v.Index(i))
		}
		return strings.Join(parts, ","), true
	}
	return "", false
}
