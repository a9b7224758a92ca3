#include "workerrequest.h"

#include <cstring>

namespace Baton::Protocol {

bool splitWorkerRequest(char *data, std::size_t size, std::vector<char *> *argv,
                        std::vector<char *> *env)
{
    argv->clear();
    env->clear();
    if (size == 0 || data[size - 1] != '\0')
        return false;
    std::vector<char *> *into = argv;
    for (std::size_t i = 0; i < size;) {
        char *item = data + i;
        const std::size_t length = std::strlen(item);
        i += length + 1;
        if (length == 0 && into == argv)
            into = env;
        else if (length > 0)
            into->push_back(item);
    }
    if (into != env || argv->empty())
        return false;
    argv->push_back(nullptr);
    env->push_back(nullptr);
    return true;
}

} // namespace Baton::Protocol
